using System.Buffers;
using System.Security.Cryptography;

namespace Compliance.Api.Submissions;

/// <summary>
/// A request body spooled to a temporary file while it is hashed and counted, so it is never held whole in
/// memory and no database transaction waits on a slow client. The file is deleted when this is disposed.
/// </summary>
internal sealed class SpooledBody : IAsyncDisposable
{
    private readonly FileStream _file;

    private SpooledBody(FileStream file, string path, long bytes, string sha256)
    {
        _file = file;
        Path = path;
        Bytes = bytes;
        Sha256 = sha256;
    }

    public string Path { get; }

    public long Bytes { get; }

    /// <summary>Lowercase hex SHA-256 of the body.</summary>
    public string Sha256 { get; }

    /// <summary>A new read-only stream over the spooled body, from its start.</summary>
    public Stream Open() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);

    /// <summary>Copies the body to a temporary file; <c>null</c> when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<SpooledBody?> SpoolAsync(Stream body, string directory, long maxBytes, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, $"ledger-{Guid.NewGuid():N}.tmp");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1 << 16,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    await file.DisposeAsync();
                    return null;
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            await file.FlushAsync(ct);
            return new SpooledBody(file, path, total, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
