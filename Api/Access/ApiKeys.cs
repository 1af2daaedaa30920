using System.Security.Cryptography;
using System.Text;

namespace Compliance.Api.Access;

/// <summary>How keys are made and recognised: 32 random bytes, shown once, stored only as a SHA-256 hash.</summary>
internal static class ApiKeys
{
    private const string Marker = "cpl_";

    /// <summary>A new key: <c>cpl_</c> and 32 random bytes in base64url.</summary>
    public static string Generate() => Marker + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The visible prefix that identifies a key in lists: its first 12 characters.</summary>
    public static string PrefixOf(string key) => key.Length <= 12 ? key : key[..12];

    /// <summary>Whether two hashes are equal, compared in constant time (however the database found the row).</summary>
    public static bool SameHash(string stored, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(presented));

    /// <summary>The stored form: lowercase hex SHA-256 of the key's UTF-8 bytes.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A webhook secret: 32 random bytes in base64url.</summary>
    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
