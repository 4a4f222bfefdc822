using Fovea.Data;
using Fovea.Tensors;
using Fovea.Vision.Datasets;
using Fovea.Vision.Detection;

namespace Fovea.Vision.Segmentation;

/// <summary>How <see cref="SegmentationFolder.Load"/> reads a folder.</summary>
public sealed record SegmentationFolderOptions
{
    /// <summary>Subfolder of the images (default "images"): PNG or JPEG files.</summary>
    public string ImagesFolder { get; init; } = "images";

    /// <summary>Subfolder of the masks (default "masks"): one PNG per image, with the image's file name stem.</summary>
    public string MasksFolder { get; init; } = "masks";

    /// <summary>For RGB(A) masks: the colour of each class, class k = entry k. Without it an RGB mask is an error.
    /// Grey masks hold class indices; indexed-palette masks (Pascal VOC) hold them as palette indices.</summary>
    public IReadOnlyList<(byte R, byte G, byte B)>? ColorMap { get; init; }

    /// <summary>Resize every sample to ImageSize × ImageSize (images bilinear, masks nearest neighbour); null keeps
    /// the files' size, which must then be the same for all.</summary>
    public int? ImageSize { get; init; }

    /// <summary>Read at most this many samples (in file name order); null reads all.</summary>
    public int? Limit { get; init; }
}

/// <summary>
/// A segmentation folder: <c>images/NAME.png</c> (or .jpg) and <c>masks/NAME.png</c> with the same stem, read into
/// images [N, 3, H, W] in [0, 1] and class maps [N, H, W] (class indices as floats). Mask pixels keep their value:
/// Pascal VOC's 255 ("ignore", object borders) stays 255, so train with <c>ignoreIndex: 255</c>.
/// </summary>
public sealed class SegmentationFolder
{
    private static readonly string[] s_imageExtensions = [".png", ".jpg", ".jpeg"];

    private SegmentationFolder(Tensor images, Tensor masks, IReadOnlyList<string> names)
    {
        Images = images;
        Masks = masks;
        Names = names;
    }

    /// <summary>Images [N, 3, H, W], values in [0, 1].</summary>
    public Tensor Images { get; }

    /// <summary>Class maps [N, H, W], class indices as floats.</summary>
    public Tensor Masks { get; }

    /// <summary>File name stems, in sample order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Images.Shape[0];

    /// <summary>The samples as a core dataset (class maps as labels).</summary>
    public Dataset ToDataset() => new(Images, Masks);

    /// <summary>Reads <paramref name="directory"/>'s images and masks (sorted by name).</summary>
    /// <exception cref="FoveaException">A folder or mask is missing, a mask's size differs from its image's, an RGB
    /// mask holds a colour outside the colour map, or the samples' sizes differ without <c>ImageSize</c>; the message
    /// names the file.</exception>
    public static SegmentationFolder Load(string directory, SegmentationFolderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= new SegmentationFolderOptions();
        if (options.ImageSize is < 1)
            throw new FoveaException($"SegmentationFolder: ImageSize {options.ImageSize}; expected ≥ 1");
        string imageDir = Path.Combine(directory, options.ImagesFolder);
        string maskDir = Path.Combine(directory, options.MasksFolder);
        if (!Directory.Exists(imageDir))
            throw new FoveaException($"SegmentationFolder: '{imageDir}' not found (expected images/ and masks/)");
        var files = Directory.EnumerateFiles(imageDir)
            .Where(f => s_imageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (options.Limit is int limit)
            files = files.Take(limit).ToList();
        if (files.Count == 0)
            throw new FoveaException($"SegmentationFolder: no PNG or JPEG images in '{imageDir}'");
        var names = new List<string>();
        var images = new List<float[]>();
        var masks = new List<float[]>();
        int h = 0, w = 0;
        foreach (string file in files)
        {
            string name = Path.GetFileNameWithoutExtension(file);
            string maskPath = Path.Combine(maskDir, name + ".png");
            if (!File.Exists(maskPath))
                throw new FoveaException($"SegmentationFolder: '{file}' has no mask '{maskPath}'");
            var (chw, ih, iw) = PngFiles.ReadRgb(file);
            var (mask, mh, mw) = ReadMask(maskPath, options.ColorMap);
            if (mh != ih || mw != iw)
                throw new FoveaException($"SegmentationFolder: mask '{maskPath}' is {mw}x{mh} but its image '{file}' " +
                    $"is {iw}x{ih}");
            if (options.ImageSize is int s && (ih != s || iw != s))
            {
                chw = ImageResampling.Resize(chw, 3, ih, iw, s, s);
                mask = ResizeNearest(mask, ih, iw, s, s);
                (ih, iw) = (s, s);
            }
            if (images.Count == 0)
                (h, w) = (ih, iw);
            else if (ih != h || iw != w)
                throw new FoveaException($"SegmentationFolder: '{file}' is {iw}x{ih} but '{files[0]}' is {w}x{h}; " +
                    "set ImageSize to resize them all");
            names.Add(name);
            images.Add(chw);
            masks.Add(mask);
        }
        var x = Tensor.FromArray(images.SelectMany(a => a).ToArray(), [images.Count, 3, h, w]);
        var y = Tensor.FromArray(masks.SelectMany(a => a).ToArray(), [masks.Count, h, w]);
        return new SegmentationFolder(x, y, names);
    }

    /// <summary>Reads one mask PNG as class indices (floats), row-major: grey values, palette indices, or the class of
    /// each RGB colour in <paramref name="colorMap"/>.</summary>
    /// <exception cref="FoveaException">The file is not a supported PNG, or an RGB mask has a colour outside the map
    /// (or no map was given); the message names the file, the pixel and the colour.</exception>
    public static (float[] Classes, int Height, int Width) ReadMask(string path,
        IReadOnlyList<(byte R, byte G, byte B)>? colorMap = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var png = PngMaskDecoder.Decode(path);
        int n = png.Width * png.Height;
        var result = new float[n];
        if (png.ColorType is 0 or 3 or 4)
        {
            for (int i = 0; i < n; i++)
                result[i] = png.Samples[i * png.Channels];
            return (result, png.Height, png.Width);
        }
        if (colorMap is null)
            throw new FoveaException($"SegmentationFolder: '{path}' is an RGB mask; give a colour map " +
                "(ColorMap, or --color-map) to turn its colours into classes");
        var lookup = new Dictionary<int, int>();
        for (int k = 0; k < colorMap.Count; k++)
            lookup.TryAdd(colorMap[k].R << 16 | colorMap[k].G << 8 | colorMap[k].B, k);
        for (int i = 0; i < n; i++)
        {
            int o = i * png.Channels;
            int rgb = png.Samples[o] << 16 | png.Samples[o + 1] << 8 | png.Samples[o + 2];
            if (!lookup.TryGetValue(rgb, out int k))
                throw new FoveaException($"SegmentationFolder: '{path}' pixel (x {i % png.Width}, y {i / png.Width}) " +
                    $"has colour ({png.Samples[o]}, {png.Samples[o + 1]}, {png.Samples[o + 2]}), which is not in the " +
                    $"colour map of {colorMap.Count} classes");
            result[i] = k;
        }
        return (result, png.Height, png.Width);
    }

    /// <summary>Nearest-neighbour resize of a [H, W] map (the source pixel whose centre is nearest).</summary>
    internal static float[] ResizeNearest(ReadOnlySpan<float> map, int height, int width, int outHeight,
        int outWidth)
    {
        var result = new float[outHeight * outWidth];
        for (int y = 0; y < outHeight; y++)
        {
            int sy = Math.Min(height - 1, (int)((y + 0.5) * height / outHeight));
            for (int x = 0; x < outWidth; x++)
                result[y * outWidth + x] = map[sy * width + Math.Min(width - 1, (int)((x + 0.5) * width / outWidth))];
        }
        return result;
    }
}
