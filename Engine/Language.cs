namespace Compliance.Engine;

/// <summary>The languages a person reads the server's texts in (api.md, "Conventions", Language): English unless asked for Chinese.</summary>
public enum Language
{
    En,
    Zh,
}
