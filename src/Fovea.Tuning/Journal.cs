using System.Text;
using System.Text.Json.Nodes;

namespace Fovea.Tuning;

/// <summary>
/// The study's append-only journal: one JSON object per line, appended under an exclusive lock file and flushed to
/// disk (fsync) before the lock is released. A line cut short by a crash is skipped on reading, and the next append
/// starts on a fresh line.
/// </summary>
internal sealed class Journal
{
    public const string FileName = "journal.jsonl";
    private const string LockName = "journal.lock";
    private readonly string _path;
    private readonly string _lockPath;

    public Journal(string directory)
    {
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(Path.Combine(directory, "leases"));
        DirectoryPath = directory;
        _path = Path.Combine(directory, FileName);
        _lockPath = Path.Combine(directory, LockName);
    }

    public string DirectoryPath { get; }

    /// <summary>Takes the journal lock: an exclusive (flock) handle on journal.lock, retried until free.</summary>
    public IDisposable Lock()
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        int wait = 1;
        while (true)
        {
            try
            {
                return new FileStream(_lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(wait);
                wait = Math.Min(wait * 2, 50);
            }
        }
    }

    /// <summary>Tries to hold trial <paramref name="number"/>'s lease: free only if no live process holds it.</summary>
    public FileStream? TryLease(int number)
    {
        try
        {
            return new FileStream(Path.Combine(DirectoryPath, "leases", $"trial-{number}.lease"), FileMode.OpenOrCreate,
                FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Appends one event (caller holds the lock) and flushes it to disk.</summary>
    public void Append(JsonObject entry)
    {
        entry["time"] = DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        byte[] line = Encoding.UTF8.GetBytes(entry.ToJsonString() + "\n");
        using var f = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (f.Length > 0)
        {
            f.Seek(-1, SeekOrigin.End);
            if (f.ReadByte() != '\n')
                f.WriteByte((byte)'\n');   // a torn line from a crash: start on a fresh one
        }
        f.Seek(0, SeekOrigin.End);
        f.Write(line);
        f.Flush(flushToDisk: true);
    }

    /// <summary>Every complete event, in order; lines that do not parse (cut by a crash) are skipped.</summary>
    public List<JsonObject> Read()
    {
        var result = new List<JsonObject>();
        if (!File.Exists(_path))
            return result;
        string text;
        using (var f = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var r = new StreamReader(f, Encoding.UTF8))
            text = r.ReadToEnd();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
                continue;
            try
            {
                if (JsonNode.Parse(line) is JsonObject o && o["event"] is not null)
                    result.Add(o);
            }
            catch (System.Text.Json.JsonException)
            {
                // torn write: ignored
            }
        }
        return result;
    }
}
