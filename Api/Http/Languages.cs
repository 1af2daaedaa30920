using Compliance.Engine;
using Compliance.Engine.Rules;
using Microsoft.Net.Http.Headers;

namespace Compliance.Api.Http;

/// <summary>
/// The language of a request's texts (api.md, "Conventions", Language), decided in this one place from
/// <c>Accept-Language</c>: the range with the highest q decides (ties: the first listed; <c>q=0</c> is ignored), Chinese
/// for <c>zh</c> or <c>zh-*</c>, English for anything else or none. Every text a person reads is written with both of its
/// languages side by side (<see cref="Say(string, string)"/>, <see cref="LocalizedText"/>) and chosen here; an answer that chose one
/// carries <c>Content-Language</c> and <c>Vary: Accept-Language</c>.
/// </summary>
internal static class Languages
{
    /// <summary>The language of the request under way, for code that writes a text and has no request at hand.</summary>
    private static readonly AsyncLocal<RequestLanguage?> Current = new();

    /// <summary>The language an <c>Accept-Language</c> header asks for.</summary>
    public static Language Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        IList<StringWithQualityHeaderValue> ranges;
        try
        {
            ranges = request.GetTypedHeaders().AcceptLanguage;
        }
        catch (FormatException)
        {
            return Language.En;
        }

        StringWithQualityHeaderValue? best = null;
        foreach (var range in ranges)
        {
            // Absent q is 1; a later range wins only with a strictly higher q, so a tie goes to the first listed.
            var q = range.Quality ?? 1;
            if (q > 0 && (best is null || q > (best.Quality ?? 1)))
            {
                best = range;
            }
        }

        var tag = best?.Value.Value;
        return tag is not null && (tag.Equals("zh", StringComparison.OrdinalIgnoreCase) || tag.StartsWith("zh-", StringComparison.OrdinalIgnoreCase))
            ? Language.Zh : Language.En;
    }

    /// <summary>The language of <paramref name="context"/>'s answer; the answer is marked as written in it.</summary>
    public static Language Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<RequestLanguage>() is not { } state)
        {
            state = new RequestLanguage(Of(context.Request));
            context.Features.Set(state);
            MarkOnStarting(context, state);
        }

        state.Used = true;
        return state.Language;
    }

    /// <summary>
    /// The language of the request under way (English outside a request, as in a job); the answer is marked as written
    /// in it.
    /// </summary>
    public static Language Chosen
    {
        get
        {
            if (Current.Value is not { } state)
            {
                return Language.En;
            }

            state.Used = true;
            return state.Language;
        }
    }

    /// <summary>The text of the request's language out of its two.</summary>
    public static string Say(string zh, string en) => Chosen == Language.Zh ? zh : en;

    /// <summary>The text of the request's language.</summary>
    public static string Say(LocalizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.In(Chosen);
    }

    /// <summary>The value of <c>Content-Language</c> for a language.</summary>
    public static string Tag(Language language) => language == Language.Zh ? "zh-CN" : "en";

    /// <summary>Marks an answer as written in <paramref name="language"/>: <c>Content-Language</c> and <c>Vary: Accept-Language</c>.</summary>
    public static void Mark(HttpResponse response, Language language)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ContentLanguage = Tag(language);
        if (!response.Headers.Vary.Any(v => v is not null && v.Contains(HeaderNames.AcceptLanguage, StringComparison.OrdinalIgnoreCase)))
        {
            response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptLanguage);
        }
    }

    /// <summary>First in the pipeline: decides the language of every request, and marks an answer that chose a text by it.</summary>
    public static WebApplication UseRequestLanguage(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var state = new RequestLanguage(Of(context.Request));
            context.Features.Set(state);
            MarkOnStarting(context, state);
            Current.Value = state;
            try
            {
                await next(context);
            }
            finally
            {
                Current.Value = null;
            }
        });
        return app;
    }

    private static void MarkOnStarting(HttpContext context, RequestLanguage state) =>
        context.Response.OnStarting(() =>
        {
            // An answer that names its own language (a replay of the first answer) keeps it.
            if (state.Used && context.Response.Headers.ContentLanguage.Count == 0)
            {
                Mark(context.Response, state.Language);
            }

            return Task.CompletedTask;
        });

    /// <summary>The language of one request, and whether its answer wrote a text in it.</summary>
    private sealed class RequestLanguage(Language language)
    {
        public Language Language { get; } = language;

        public bool Used { get; set; }
    }
}
