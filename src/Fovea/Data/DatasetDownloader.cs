using System.Net;
using System.Security.Cryptography;
using Fovea.IO;

namespace Fovea.Data;

/// <summary>
/// Downloads a dataset's files from one base address and verifies each against its published MD5 sum. A file is
/// written to a temporary name in the target folder and renamed only once its checksum matches, so a folder never
/// holds a partial or corrupt download; on any failure the temporary file is deleted and a
/// <see cref="FoveaException"/> names the URL.
/// </summary>
/// <example><code>
/// var downloader = new DatasetDownloader(new Uri("http://example.org/mnist/"),
///     new Dictionary&lt;string, string&gt; { ["train-images-idx3-ubyte.gz"] = "f68b3c2dcbeaaa9fbdd348bbdeb94873" });
/// downloader.DownloadMissing("/home/me/.cache/fovea/mnist");
/// </code></example>
public sealed class DatasetDownloader
{
    private static readonly HttpClient s_client = new();

    private readonly Dictionary<string, string> _checksums;

    /// <summary>
    /// A downloader for the files in <paramref name="checksums"/> under <paramref name="baseAddress"/>.
    /// </summary>
    /// <param name="baseAddress">The folder URL; a file's URL is this plus its name.</param>
    /// <param name="checksums">File name → expected MD5, as 32 hex digits.</param>
    public DatasetDownloader(Uri baseAddress, IReadOnlyDictionary<string, string> checksums)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(checksums);
        if (!baseAddress.IsAbsoluteUri)
            throw new ArgumentException($"expected an absolute base address, received '{baseAddress}'");
        string text = baseAddress.AbsoluteUri;
        BaseAddress = text.EndsWith('/') ? baseAddress : new Uri(text + "/");
        _checksums = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, md5) in checksums)
        {
            if (md5.Length != 32 || !md5.All(char.IsAsciiHexDigit))
                throw new ArgumentException($"the MD5 of '{file}' must be 32 hex digits, received '{md5}'");
            if (file.Length == 0 || file != Path.GetFileName(file))
                throw new ArgumentException($"expected a plain file name, received '{file}'");
            _checksums.Add(file, md5.ToLowerInvariant());
        }
    }

    /// <summary>The folder URL the files are fetched from (ends with '/').</summary>
    public Uri BaseAddress { get; }

    /// <summary>The files this downloader knows, with their expected MD5 sums (lower-case hex).</summary>
    public IReadOnlyDictionary<string, string> Checksums => _checksums;

    /// <summary>The URL of <paramref name="file"/>.</summary>
    public Uri AddressOf(string file) => new(BaseAddress, Uri.EscapeDataString(file));

    /// <summary>
    /// Downloads every file of <see cref="Checksums"/> that <paramref name="folder"/> does not hold yet (files
    /// already there are trusted as they are), creating the folder when needed.
    /// </summary>
    /// <exception cref="FoveaException">A download failed or did not match its checksum.</exception>
    public void DownloadMissing(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        foreach (string file in _checksums.Keys.Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(folder, file)))
                Download(file, folder);
        }
    }

    /// <summary>Downloads <paramref name="file"/> into <paramref name="folder"/>, replacing any existing copy only
    /// after the new one is verified.</summary>
    /// <returns>The path of the verified file.</returns>
    /// <exception cref="ArgumentException"><paramref name="file"/> is not in <see cref="Checksums"/>.</exception>
    /// <exception cref="FoveaException">The server failed, the connection broke, or the checksum differs.</exception>
    public string Download(string file, string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!_checksums.TryGetValue(file, out string? expected))
        {
            throw new ArgumentException(
                $"'{file}' is not one of this downloader's files: {string.Join(", ", _checksums.Keys)}");
        }
        Uri url = AddressOf(file);
        string target = Path.Combine(folder, file);
        bool createdFolder = !Directory.Exists(folder);
        try
        {
            using var response = Send(url);
            AtomicFile.Write(target, output => CopyVerified(response, output, url, expected));
            return target;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or UnauthorizedAccessException)
        {
            throw new FoveaException($"downloading '{url}' to '{target}' failed: {e.Message}", e);
        }
        catch (TaskCanceledException e)
        {
            throw new FoveaException($"downloading '{url}' timed out after {s_client.Timeout.TotalSeconds} s", e);
        }
        finally
        {
            if (createdFolder && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                Directory.Delete(folder);
        }
    }

    private static HttpResponseMessage Send(Uri url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        var response = s_client.Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            response.Dispose();
            throw new FoveaException(
                $"downloading '{url}' failed: the server answered HTTP {(int)response.StatusCode} "
                + $"{response.ReasonPhrase}, expected 200 OK");
        }
        return response;
    }

    private static void CopyVerified(HttpResponseMessage response, Stream output, Uri url, string expected)
    {
        using var input = response.Content.ReadAsStream();
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            md5.AppendData(buffer, 0, n);
            output.Write(buffer, 0, n);
        }
        string actual = Convert.ToHexStringLower(md5.GetHashAndReset());
        if (actual != expected)
        {
            throw new FoveaException(
                $"'{url}' failed verification: expected MD5 {expected}, received a file with MD5 {actual}; "
                + "the download was discarded");
        }
    }
}
