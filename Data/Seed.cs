namespace Compliance.Data;

/// <summary>The reference data of <c>db/seed/</c>, embedded in this assembly.</summary>
public static class Seed
{
    /// <summary>Opens a seed file, such as <c>rule-sets.json</c>.</summary>
    public static Stream Open(string name) =>
        typeof(Seed).Assembly.GetManifestResourceStream($"db/seed/{name}") ?? throw new InvalidOperationException($"No seed file {name}.");
}
