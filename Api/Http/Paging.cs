using System.ComponentModel.DataAnnotations;
using Compliance.Data;
using Microsoft.AspNetCore.Mvc;

namespace Compliance.Api.Http;

/// <summary>The list JSON of api.md: <c>{items, page, pageSize, total}</c>.</summary>
public sealed record ListAnswer<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>The paging parameters of every list: <c>page</c> from 1, <c>pageSize</c> up to <see cref="AcceptedRanges.MaxPageSize"/>.</summary>
public sealed record PageQuery
{
    [FromQuery(Name = "page")]
    [Range(1, AcceptedRanges.LastPage, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.PageError))]
    public int? Page { get; init; }

    [FromQuery(Name = "pageSize")]
    [Range(1, AcceptedRanges.MaxPageSize, ErrorMessageResourceType = typeof(AcceptedRanges), ErrorMessageResourceName = nameof(AcceptedRanges.PageError))]
    public int? PageSize { get; init; }

    internal PageRequest Request => new(Page ?? 1, PageSize ?? AcceptedRanges.DefaultPageSize);

    internal static ListAnswer<TOut> Map<TIn, TOut>(Page<TIn> page, Func<TIn, TOut> map) =>
        new(page.Items.Select(map).ToList(), page.Number, page.Size, page.Total);
}
