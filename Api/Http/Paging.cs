using Compliance.Data;

namespace Compliance.Api.Http;

/// <summary>The list JSON of api.md: <c>{items, page, pageSize, total}</c>.</summary>
public sealed record ListAnswer<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>Paging parameters: <c>page</c> and <c>pageSize</c> within <see cref="AcceptedRanges"/>.</summary>
internal static class Paging
{
    /// <summary>The page to read, or the errors of a 400.</summary>
    public static bool TryRead(int? page, int? pageSize, Dictionary<string, string[]> errors, out PageRequest request)
    {
        var number = page ?? 1;
        var size = pageSize ?? AcceptedRanges.DefaultPageSize;
        if (number is < 1 or > AcceptedRanges.LastPage)
        {
            errors["page"] = [AcceptedRanges.PageMessage];
        }

        if (size is < 1 or > AcceptedRanges.MaxPageSize)
        {
            errors["pageSize"] = [AcceptedRanges.PageSizeMessage];
        }

        request = new PageRequest(number, size);
        return errors.Count == 0;
    }

    public static ListAnswer<TOut> Map<TIn, TOut>(Page<TIn> page, Func<TIn, TOut> map) =>
        new(page.Items.Select(map).ToList(), page.Number, page.Size, page.Total);
}
