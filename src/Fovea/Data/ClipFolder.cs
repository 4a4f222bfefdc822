using System.Globalization;
using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// A labelled video dataset read from folders of frames: one subfolder per class, in it one subfolder per clip, in
/// that the clip's frames as image files (<c>root/walking/clip_007/frame_0001.png</c>). Class indices follow the
/// class folder names in ordinal order, clips their folder names in ordinal order, frames the number in their file
/// name (so <c>2.png</c> comes before <c>10.png</c>). Every clip becomes [C, T, H, W] (channels first, T = time):
/// <see cref="Dataset"/> holds [N, C, T, H, W] and the labels [N].
/// </summary>
/// <remarks>
/// <para>Frames are decoded as <see cref="ImageFolder"/> decodes images (same formats, resize, colour and
/// normalisation options, all cores). A clip with a number of frames other than <c>frames</c> is resampled in time:
/// frame t of the result is the clip's frame round(t·(n − 1)/(T − 1)) (halves up), so a longer clip is subsampled
/// evenly and a shorter one repeats frames. A clip folder without frames, or a frame that cannot be decoded, stops the load with a
/// <see cref="FoveaException"/> naming it. Hidden files and folders are ignored.</para>
/// </remarks>
/// <example><code>
/// var clips = ClipFolder.Load("data/actions", frames: 16, imageSize: 64, color: ColorMode.Grayscale);
/// var (train, test) = clips.Dataset.Split(0.8, seed: 0, stratified: true);
/// </code></example>
public sealed class ClipFolder
{
    private ClipFolder(Dataset dataset, string[] clips)
    {
        Dataset = dataset;
        Clips = clips;
    }

    /// <summary>The clips [N, C, T, H, W] and their class indices [N], with the class folder names as class names.
    /// </summary>
    public Dataset Dataset { get; }

    /// <summary>The folder of each clip, in dataset order (by class, then by ordinal folder name).</summary>
    public IReadOnlyList<string> Clips { get; }

    /// <summary>The class names: the class folder names in ordinal order.</summary>
    public IReadOnlyList<string> ClassNames => Dataset.ClassNames!;

    /// <summary>Reads every clip below <paramref name="folder"/>'s class subfolders.</summary>
    /// <param name="folder">The root: one subfolder per class, one sub-subfolder per clip.</param>
    /// <param name="frames">Frames per clip in the dataset (T); clips are resampled in time to it.</param>
    /// <param name="imageSize">Height × width of every frame.</param>
    /// <param name="color">RGB (three channels, the default) or grayscale (one).</param>
    /// <param name="resize">Centre crop after an aspect-preserving resize (the default) or stretch.</param>
    /// <param name="normalization">Per-channel standardisation after scaling pixels to [0, 1]; none by default.</param>
    /// <exception cref="FoveaException">The folder is missing, holds no class folders or no clips, a clip has no
    /// frames, or a frame cannot be decoded.</exception>
    public static ClipFolder Load(string folder, int frames, Size2 imageSize, ColorMode color = ColorMode.Rgb,
        ImageResize resize = ImageResize.CenterCrop, Normalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (frames <= 0)
            throw new ArgumentOutOfRangeException(nameof(frames), $"expected a positive frame count, got {frames}");
        if (!imageSize.IsPositive)
            throw new ArgumentOutOfRangeException(nameof(imageSize), $"expected a positive size, received {imageSize}");
        if (!Directory.Exists(folder))
            throw new FoveaException($"clip folder '{folder}' does not exist");
        string[] classes = Visible(Directory.GetDirectories(folder));
        if (classes.Length == 0)
            throw new FoveaException($"clip folder '{folder}' has no subfolders; expected one subfolder per class");
        var clips = new List<(string Path, int Label, string[] Frames)>();
        for (int c = 0; c < classes.Length; c++)
        {
            foreach (string clip in Visible(Directory.GetDirectories(Path.Combine(folder, classes[c]))))
            {
                string path = Path.Combine(folder, classes[c], clip);
                string[] files = [.. Directory.EnumerateFiles(path).Where(IsFrame).OrderBy(FrameNumber)
                    .ThenBy(f => f, StringComparer.Ordinal)];
                if (files.Length == 0)
                {
                    throw new FoveaException(
                        $"clip folder '{path}' holds no frames ({string.Join(", ", ImageFolder.Extensions)})");
                }
                clips.Add((path, c, files));
            }
        }
        if (clips.Count == 0)
            throw new FoveaException($"clip folder '{folder}' holds no clip folders in its class folders " +
                string.Join(", ", classes));
        int channels = color == ColorMode.Rgb ? 3 : 1;
        var decoder = new ImageDecoder(imageSize.Height, imageSize.Width, color, resize, null,
            Normalization.ByteTable(normalization, channels));
        int plane = imageSize.Height * imageSize.Width, clipSize = channels * frames * plane;
        if ((long)clipSize * clips.Count > Array.MaxLength)
            throw new FoveaException($"{clips.Count} clips of [{channels}, {frames}, {imageSize.Height}, " +
                $"{imageSize.Width}] do not fit in one array; choose fewer frames or a smaller imageSize");
        var x = new float[clipSize * clips.Count];
        var problems = new string?[clips.Count * frames];
        Parallel.For(0, clips.Count * frames, job =>
        {
            int i = job / frames, t = job % frames;
            var files = clips[i].Frames;
            int source = frames == 1 ? 0
                : (int)Math.Round(t * (files.Length - 1) / (double)(frames - 1), MidpointRounding.AwayFromZero);
            string file = files[source];
            var image = new float[channels * plane];
            if (decoder.Decode(file, image) is string problem)
            {
                problems[job] = $"frame '{file}' is {problem}";
                return;
            }
            for (int ch = 0; ch < channels; ch++)
                image.AsSpan(ch * plane, plane).CopyTo(x.AsSpan(i * clipSize + (ch * frames + t) * plane, plane));
        });
        if (problems.FirstOrDefault(p => p is not null) is string first)
            throw new FoveaException(first);
        float[] y = [.. clips.Select(c => (float)c.Label)];
        var dataset = new Dataset(Tensor.Wrap(x, [clips.Count, channels, frames, imageSize.Height, imageSize.Width]),
            Tensor.Wrap(y, [clips.Count]), classes);
        return new ClipFolder(dataset, [.. clips.Select(c => c.Path)]);
    }

    private static string[] Visible(string[] paths) =>
        [.. paths.Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.'))
            .Order(StringComparer.Ordinal)];

    private static bool IsFrame(string path)
    {
        string name = Path.GetFileName(path);
        return !name.StartsWith('.') &&
            ImageFolder.Extensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The last run of digits in the file name (without extension), or -1 when it has none.</summary>
    private static long FrameNumber(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        int end = name.Length;
        while (end > 0 && !char.IsAsciiDigit(name[end - 1]))
            end--;
        int start = end;
        while (start > 0 && char.IsAsciiDigit(name[start - 1]))
            start--;
        return start == end || end - start > 18 ? -1 : long.Parse(name[start..end], CultureInfo.InvariantCulture);
    }

    public override string ToString() =>
        $"ClipFolder({Dataset.Count} clips of {Dataset.SampleShape}, {ClassNames.Count} classes)";
}
