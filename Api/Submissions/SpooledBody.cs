using System.Buffers;
using System.Security.Cryptography;
using Compliance.Data;

namespace Compliance.Api.Submissions;

/// <summary>
/// A request body spooled to a temporary file while it is hashed and counted, so it is never held whole in
/// memory and no database transaction waits on a slow client. The file is deleted when this is disposed.
/// </summary>
internal sealed class SpooledBody : IAsyncDisposable
{
    private const string FilePrefix = "ledger-";
    private const string FileSuffix = ".tmp";

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
        // A body is an institution's whole ledger: for the server's user only, its folder as well as the file.
        PrivateFiles.CreateFolder(directory);
        var path = System.IO.Path.Combine(directory, $"{FilePrefix}{Guid.NewGuid():N}{FileSuffix}");
        var file = PrivateFiles.Open(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1 << 16,
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

    /// <summary>
    /// Deletes the spool files that no running request owns: those a process left when it died mid-upload. A request
    /// holds its file open, shared, for as long as it runs, so a file that opens exclusively has no owner, in this
    /// process or any other sharing the folder. Returns the files and bytes deleted.
    /// </summary>
    public static (int Files, long Bytes) DeleteAbandoned(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return (0, 0);
        }

        var (files, bytes) = (0, 0L);
        foreach (var path in Directory.EnumerateFiles(directory, FilePrefix + "*" + FileSuffix))
        {
            try
            {
                using var owned = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                bytes += owned.Length;
                files++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A running request holds it (or it went in the meantime): not ours to delete.
            }
        }

        return (files, bytes);
    }
}
