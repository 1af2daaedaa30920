using Compliance.Data;

namespace Compliance.Api.Http;

/// <summary>The list JSON of api.md: <c>{items, page, pageSize, total}</c>.</summary>
public sealed record ListAnswer<T>(IReadOnlyList<T> Items, int Page, int PageSize, long Total);

/// <summary>Paging parameters: <c>page</c> from 1, <c>pageSize</c> 1 to 500, 50 by default.</summary>
internal static class Paging
{
    public const int DefaultSize = 50;
    public const int MaxSize = 500;

    /// <summary>The page to read, or the errors of a 400.</summary>
    public static bool TryRead(int? page, int? pageSize, Dictionary<string, string[]> errors, out PageRequest request)
    {
        var number = page ?? 1;
        var size = pageSize ?? DefaultSize;
        if (number < 1)
        {
            errors["page"] = ["page counts from 1."];
        }

        if (size is < 1 or > MaxSize)
        {
            errors["pageSize"] = [$"pageSize must be 1 to {MaxSize}."];
        }

        request = new PageRequest(number, size);
        return errors.Count == 0;
    }

    public static ListAnswer<TOut> Map<TIn, TOut>(Page<TIn> page, Func<TIn, TOut> map) =>
        new(page.Items.Select(map).ToList(), page.Number, page.Size, page.Total);
}
