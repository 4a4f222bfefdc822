namespace Fovea.IO;

/// <summary>
/// Writes a file so that readers see either the old content or the complete new one, never a torn file:
/// the data goes to a temporary file in the same folder, is flushed to disk, then renamed over the target.
/// </summary>
/// <remarks>
/// Public on purpose: every file Fovea writes (weights, model configs, checkpoints, logs, ONNX files) goes through it,
/// and the assemblies built on the core's public API only (the <c>fovea</c> command line, <c>Fovea.Onnx</c>) and
/// user code such as custom callbacks that write their own checkpoints need the same guarantee, so that a run killed
/// mid-write can resume from the previous file.
/// </remarks>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> atomically: <paramref name="write"/> fills a temporary file in the same folder
    /// (created if missing), which is flushed to disk and renamed over the target. On any exception the temporary file
    /// is deleted and the target is left as it was.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(tmp);
            }
            catch (IOException)
            {
                // best effort: the temporary file is harmless
            }
            throw;
        }
    }

    /// <summary>
    /// Deletes temporary files that a killed writer of <paramref name="path"/> left behind (a crash between creating
    /// the temporary file and renaming it).
    /// </summary>
    public static void DeleteStaleTemporaries(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir))
            return;
        foreach (var stale in Directory.EnumerateFiles(dir, $".{Path.GetFileName(full)}.*.tmp"))
        {
            try
            {
                File.Delete(stale);
            }
            catch (IOException)
            {
                // another process may be writing it right now: leave it
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="text"/> as UTF-8 without a byte-order mark, atomically (see <see cref="Write"/>).
    /// </summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
            w.Write(text);
        });
}
