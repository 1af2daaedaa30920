using System.Globalization;
using System.Text;

namespace Compliance.Api.Tests.Support;

/// <summary>
/// The Prometheus text exposition format (0.0.4), read as strictly as <c>promtool check metrics</c>: well-formed
/// <c># HELP</c> and <c># TYPE</c> lines, at most one of each per family and the type before the family's samples,
/// a family's samples together, valid metric and label names, label values with only the escapes the format has,
/// values that parse as floats, no series twice, and histograms whose buckets carry <c>le</c>, rise to <c>+Inf</c>
/// with counts that never fall, and whose <c>_count</c> is the <c>+Inf</c> bucket. Counters end in <c>_total</c>, as
/// promtool's lint asks.
/// </summary>
public static class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    /// <summary>One sample: its metric name, its labels and its value.</summary>
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
    {
        /// <summary>Whether every one of <paramref name="labels"/> (name, value) is among the sample's labels.</summary>
        public bool Has(params (string Name, string Value)[] labels) =>
            labels.All(l => Labels.TryGetValue(l.Name, out var value) && value == l.Value);
    }

    /// <summary>Every sample of a valid scrape, in order; throws, listing the problems, if it is not valid.</summary>
    public static IReadOnlyList<Sample> Samples(string text)
    {
        var (samples, problems) = Read(text);
        if (problems.Count > 0)
        {
            throw new FormatException("Not valid Prometheus text: " + string.Join("; ", problems));
        }

        return samples;
    }

    /// <summary>What is wrong with <paramref name="text"/>, a line each; empty when promtool would accept it.</summary>
    public static IReadOnlyList<string> Problems(string text) => Read(text).Problems;

    private static (List<Sample> Samples, List<string> Problems) Read(string text)
    {
        var samples = new List<Sample>();
        var problems = new List<string>();
        var types = new Dictionary<string, string>();
        var helps = new HashSet<string>();
        var sampled = new HashSet<string>();
        var closed = new HashSet<string>();
        var series = new HashSet<string>();
        var histograms = new Dictionary<string, Histogram>();
        string? current = null;

        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            problems.Add("the last line does not end with a newline");
        }

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var at = $"line {i + 1}";
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                var comment = line[1..].TrimStart(' ');
                var isHelp = comment.StartsWith("HELP ", StringComparison.Ordinal);
                if (!isHelp && !comment.StartsWith("TYPE ", StringComparison.Ordinal))
                {
                    continue; // any other comment
                }

                var rest = comment[5..].TrimStart(' ');
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var name = space < 0 ? rest : rest[..space];
                var value = space < 0 ? "" : rest[(space + 1)..];
                if (!IsMetricName(name))
                {
                    problems.Add($"{at}: '{name}' is not a metric name");
                    continue;
                }

                if (isHelp)
                {
                    if (!helps.Add(name))
                    {
                        problems.Add($"{at}: a second HELP line for {name}");
                    }

                    if (!ValidHelpEscapes(value))
                    {
                        problems.Add($"{at}: the help text of {name} has an escape other than \\\\ or \\n");
                    }

                    continue;
                }

                var type = value.Trim();
                if (!Types.Contains(type))
                {
                    problems.Add($"{at}: '{type}' is not a metric type");
                }
                else if (!types.TryAdd(name, type))
                {
                    problems.Add($"{at}: a second TYPE line for {name}");
                }
                else if (sampled.Contains(name))
                {
                    problems.Add($"{at}: the TYPE line of {name} comes after its samples");
                }
                else if (type == "counter" && !name.EndsWith("_total", StringComparison.Ordinal))
                {
                    problems.Add($"{at}: the counter {name} does not end in _total");
                }

                continue;
            }

            if (ReadSample(line, at, problems) is not { } sample)
            {
                continue;
            }

            samples.Add(sample);
            var family = FamilyOf(sample.Name, types);
            sampled.Add(family);
            if (family != current)
            {
                if (current is not null)
                {
                    closed.Add(current);
                }

                if (closed.Contains(family))
                {
                    problems.Add($"{at}: the samples of {family} are not together");
                }

                current = family;
            }

            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"")) + "}";
            if (!series.Add(key))
            {
                problems.Add($"{at}: the series {key} appears twice");
            }

            if (types.GetValueOrDefault(family) == "histogram")
            {
                ReadHistogramSample(sample, family, at, histograms, problems);
            }
        }

        foreach (var (key, histogram) in histograms)
        {
            CheckHistogram(key, histogram, problems);
        }

        return (samples, problems);
    }

    /// <summary>
    /// The family a sample belongs to: its own name when that is typed (a counter's <c>_total</c> name), else the name
    /// without <c>_bucket</c>, <c>_sum</c> or <c>_count</c> when that is a histogram or summary, else its own (untyped).
    /// </summary>
    private static string FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name))
        {
            return name;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)
                && types.TryGetValue(name[..^suffix.Length], out var type)
                && (type == "histogram" || (type == "summary" && suffix != "_bucket")))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    private static Sample? ReadSample(string line, string at, List<string> problems)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ' && line[i] != '\t')
        {
            i++;
        }

        var name = line[..i];
        if (!IsMetricName(name))
        {
            problems.Add($"{at}: '{name}' is not a metric name");
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i >= line.Length)
                {
                    problems.Add($"{at}: the labels of {name} are not closed");
                    return null;
                }

                if (line[i] == '}')
                {
                    i++;
                    break;
                }

                var start = i;
                while (i < line.Length && line[i] != '=')
                {
                    i++;
                }

                var label = line[start..i];
                if (!IsLabelName(label))
                {
                    problems.Add($"{at}: '{label}' is not a label name");
                    return null;
                }

                if (i + 1 >= line.Length || line[i + 1] != '"')
                {
                    problems.Add($"{at}: the value of label {label} is not quoted");
                    return null;
                }

                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                    {
                        problems.Add($"{at}: the value of label {label} is not closed");
                        return null;
                    }

                    var c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c != '\\')
                    {
                        value.Append(c);
                        continue;
                    }

                    var escaped = i < line.Length ? line[i++] : '\0';
                    switch (escaped)
                    {
                        case '\\':
                            value.Append('\\');
                            break;
                        case '"':
                            value.Append('"');
                            break;
                        case 'n':
                            value.Append('\n');
                            break;
                        default:
                            problems.Add($"{at}: the value of label {label} has the escape \\{escaped}");
                            return null;
                    }
                }

                if (!labels.TryAdd(label, value.ToString()))
                {
                    problems.Add($"{at}: the label {label} appears twice");
                    return null;
                }

                if (i < line.Length && line[i] == ',')
                {
                    i++;
                }
                else if (i >= line.Length || line[i] != '}')
                {
                    problems.Add($"{at}: labels of {name} are not separated by commas");
                    return null;
                }
            }
        }

        var fields = line[i..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is 0 or > 2 || (i < line.Length && line[i] != ' ' && line[i] != '\t'))
        {
            problems.Add($"{at}: {name} has no value, or more than a value and a timestamp");
            return null;
        }

        if (ParseValue(fields[0]) is not { } parsed)
        {
            problems.Add($"{at}: the value '{fields[0]}' of {name} is not a float");
            return null;
        }

        if (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            problems.Add($"{at}: the timestamp '{fields[1]}' of {name} is not an integer");
            return null;
        }

        return new Sample(name, labels, parsed);
    }

    private static void ReadHistogramSample(Sample sample, string family, string at, Dictionary<string, Histogram> histograms, List<string> problems)
    {
        var others = sample.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\"");
        var key = family + "{" + string.Join(",", others) + "}";
        var histogram = histograms.TryGetValue(key, out var found) ? found : histograms[key] = new Histogram();
        var suffix = sample.Name[family.Length..];
        switch (suffix)
        {
            case "_bucket" when !sample.Labels.TryGetValue("le", out var le):
                problems.Add($"{at}: a bucket of {key} has no le label");
                break;
            case "_bucket":
                if (ParseValue(sample.Labels["le"]) is not { } bound)
                {
                    problems.Add($"{at}: the le '{sample.Labels["le"]}' of {key} is not a float");
                    break;
                }

                histogram.Buckets.Add((bound, sample.Value));
                break;
            case "_count":
                histogram.Count = sample.Value;
                break;
            case "_sum":
                break;
            default:
                problems.Add($"{at}: the histogram {family} has a sample without _bucket, _sum or _count");
                break;
        }
    }

    private static void CheckHistogram(string key, Histogram histogram, List<string> problems)
    {
        if (histogram.Buckets.Count == 0)
        {
            problems.Add($"{key} has no buckets");
            return;
        }

        for (var i = 1; i < histogram.Buckets.Count; i++)
        {
            if (histogram.Buckets[i].Le <= histogram.Buckets[i - 1].Le)
            {
                problems.Add($"{key}: the bucket le=\"{histogram.Buckets[i].Le}\" does not follow a lower one");
            }

            if (histogram.Buckets[i].Count < histogram.Buckets[i - 1].Count)
            {
                problems.Add($"{key}: the bucket le=\"{histogram.Buckets[i].Le}\" counts fewer than the one before (not cumulative)");
            }
        }

        var last = histogram.Buckets[^1];
        if (!double.IsPositiveInfinity(last.Le))
        {
            problems.Add($"{key}: the last bucket is not le=\"+Inf\"");
        }
        else if (histogram.Count is not { } count)
        {
            problems.Add($"{key} has no _count");
        }
        else if (count != last.Count)
        {
            problems.Add($"{key}: _count {count} is not the +Inf bucket's {last.Count}");
        }
    }

    private static double? ParseValue(string text) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when text.Length > 0 && (char.IsAsciiDigit(text[^1]) || text[^1] == '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
        _ => null,
    };

    private static bool ValidHelpEscapes(string help)
    {
        for (var i = 0; i < help.Length; i++)
        {
            if (help[i] == '\\' && (++i >= help.Length || help[i] is not ('\\' or 'n')))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsMetricName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    private static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private sealed class Histogram
    {
        public List<(double Le, double Count)> Buckets { get; } = [];

        public double? Count { get; set; }
    }
}
