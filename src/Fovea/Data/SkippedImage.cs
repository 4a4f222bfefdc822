namespace Fovea.Data;

/// <summary>A file <see cref="ImageFolder"/> left out, and why (e.g. "not a readable image", "truncated").</summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Reason">What went wrong while reading or decoding it.</param>
public sealed record SkippedImage(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}
