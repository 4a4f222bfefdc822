using System.Collections.Concurrent;
using System.Globalization;
using Fovea.Data;
using Fovea.Tensors;
using Fovea.Vision.Detection;
using Fovea.Vision.Formats;

namespace Fovea.Vision.Datasets;

/// <summary>A generated, deterministic detection (and segmentation) dataset: Fashion-MNIST objects of 10 classes,
/// 8–120 pixels, overlapping, on cluttered textured canvases (320×320 by default), written as COCO JSON + PNG.
/// </summary>
/// <remarks>
/// Each image draws, from a generator seeded by (seed, split, index) alone:
/// <list type="number">
/// <item>a textured background: a random base colour, three low-frequency colour waves, stripes, a checkerboard or
/// dots of a random period, and per-pixel noise;</item>
/// <item>clutter under the objects: ellipses, bars and rings of random colours (background in the masks);</item>
/// <item>3–10 objects: Fashion-MNIST images (training split for <see cref="FashionDetectionSplit.Train"/>, test split
/// for <see cref="FashionDetectionSplit.Validation"/>) cropped to their ink, scaled bilinearly so the longer side is
/// log-uniform in 8–120 pixels, maybe mirrored, tinted a random colour shaded by the glyph's own intensities, and
/// alpha-blended in; a pixel belongs to the object where the scaled intensity exceeds 0.3. Later objects cover
/// earlier ones, but a placement that would leave an earlier object less than half visible is retried elsewhere
/// (20 tries) or dropped.</item>
/// </list>
/// Boxes are tight around each object's visible pixels (integer pixel edges), <c>area</c> is the number of those
/// pixels, and the mask PNG holds per pixel 0 for background or the class index + 1 (= the COCO category id) of the
/// object on top. MNIST digits are not included (MNIST is not bundled with Fovea); the ten Fashion-MNIST classes are
/// the task.
/// </remarks>
public static class FashionDetection
{
    /// <summary>The file holding each split's COCO annotations, inside the split folder.</summary>
    public const string AnnotationsFile = "annotations.json";

    private const float MaskThreshold = 0.3f;
    private static readonly ConcurrentDictionary<(string, FashionDetectionSplit), (byte[] Images, byte[] Labels)>
        s_glyphs = new();

    /// <summary>The class names, index i = COCO category id i + 1 = mask value i + 1.</summary>
    public static IReadOnlyList<string> ClassNames => FashionMnist.ClassNames;

    /// <summary>Renders image <paramref name="index"/> of a split in memory; the same arguments always give the
    /// same image.</summary>
    /// <param name="split">Which Fashion-MNIST images the objects come from.</param>
    /// <param name="seed">Dataset seed.</param>
    /// <param name="index">Image index within the split.</param>
    /// <param name="options">Composition settings (defaults: 320×320, 3–10 objects of 8–120 px).</param>
    /// <param name="fashionMnistFolder">Folder with the Fashion-MNIST IDX files; default: the bundled copy found by
    /// <see cref="DatasetLocator"/>.</param>
    public static FashionDetectionImage Render(FashionDetectionSplit split, int seed, int index,
        FashionDetectionOptions? options = null, string? fashionMnistFolder = null)
    {
        options ??= new FashionDetectionOptions();
        options.Validate();
        var (glyphImages, glyphLabels) = Glyphs(split, fashionMnistFolder);
        var rng = new Random(Seeds.Mix(seed, (long)split, index));
        int w = options.CanvasWidth, h = options.CanvasHeight;
        var image = new float[3 * h * w];
        FashionDetectionCanvas.Background(image, h, w, rng);
        FashionDetectionCanvas.Clutter(image, h, w, rng, rng.Next(options.MaxClutter / 2, options.MaxClutter + 1));

        var instance = new int[h * w];
        var placedClass = new List<int>();
        var visible = new List<int>();
        var full = new List<int>();
        int count = rng.Next(options.MinObjects, options.MaxObjects + 1);
        for (int k = 0; k < count; k++)
        {
            int g = rng.Next(glyphLabels.Length);
            var glyph = FashionDetectionCanvas.ScaledGlyph(glyphImages.AsSpan(g * 784, 784), rng, options.MinObjectSize,
                options.MaxObjectSize);
            if (glyph is null)
                continue;
            var (values, gh, gw) = glyph.Value;
            int pixels = values.Count(v => v > MaskThreshold);
            if (pixels < 3)
                continue;
            float[] tint = FashionDetectionCanvas.Tint(rng);
            for (int attempt = 0; attempt < 20; attempt++)
            {
                int x0 = rng.Next(w - gw + 1), y0 = rng.Next(h - gh + 1);
                if (!KeepsOthersVisible(instance, w, values, gh, gw, x0, y0, visible, full, options.MinVisibleFraction))
                    continue;
                int id = placedClass.Count + 1;
                for (int y = 0; y < gh; y++)
                {
                    for (int x = 0; x < gw; x++)
                    {
                        float v = values[y * gw + x];
                        float a = Math.Clamp((v - 0.15f) / 0.3f, 0, 1);
                        int p = (y0 + y) * w + x0 + x;
                        if (a > 0)
                        {
                            for (int c = 0; c < 3; c++)
                            {
                                int q = c * h * w + p;
                                image[q] = a * tint[c] * (0.45f + 0.55f * v) + (1 - a) * image[q];
                            }
                        }
                        if (v > MaskThreshold)
                        {
                            if (instance[p] > 0)
                                visible[instance[p] - 1]--;
                            instance[p] = id;
                        }
                    }
                }
                placedClass.Add(glyphLabels[g]);
                visible.Add(pixels);
                full.Add(pixels);
                break;
            }
        }
        return Finish(image, h, w, instance, placedClass);
    }

    /// <summary>Writes a dataset: <c>DIR/train</c> and <c>DIR/val</c>, each with <c>images/NNNNNN.png</c> (RGB),
    /// <c>masks/NNNNNN.png</c> (8-bit class mask) and <see cref="AnnotationsFile"/> (COCO: images with
    /// <c>file_name</c> "images/NNNNNN.png", categories 1–10 named after Fashion-MNIST, annotations with bbox, area
    /// and iscrowd 0). The same seed writes byte-identical files.</summary>
    /// <param name="outputFolder">Where to write (created if needed).</param>
    /// <param name="trainImages">Images in the train split.</param>
    /// <param name="validationImages">Images in the val split.</param>
    /// <param name="seed">Dataset seed.</param>
    /// <param name="options">Composition settings.</param>
    /// <param name="fashionMnistFolder">Folder with the Fashion-MNIST IDX files; default: the bundled copy.</param>
    /// <param name="progress">Reports the number of images written so far.</param>
    public static void Generate(string outputFolder, int trainImages, int validationImages, int seed,
        FashionDetectionOptions? options = null, string? fashionMnistFolder = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(outputFolder);
        if (trainImages < 0 || validationImages < 0)
            throw new FoveaException($"FashionDetection.Generate: {trainImages} train and {validationImages} val " +
                "images; expected ≥ 0");
        options ??= new FashionDetectionOptions();
        options.Validate();
        int done = 0;
        foreach (var (split, name, n) in new[] { (FashionDetectionSplit.Train, "train", trainImages),
                     (FashionDetectionSplit.Validation, "val", validationImages) })
        {
            string dir = Path.Combine(outputFolder, name);
            Directory.CreateDirectory(Path.Combine(dir, "images"));
            Directory.CreateDirectory(Path.Combine(dir, "masks"));
            var images = new List<CocoImage>();
            var annotations = new List<CocoAnnotation>();
            for (int i = 0; i < n; i++)
            {
                var img = Render(split, seed, i, options, fashionMnistFolder);
                string file = i.ToString("D6", CultureInfo.InvariantCulture) + ".png";
                PngFiles.WriteRgb(Path.Combine(dir, "images", file), [.. img.Pixels], img.Height, img.Width);
                PngFiles.WriteGray(Path.Combine(dir, "masks", file), [.. img.ClassMask], img.Height, img.Width);
                images.Add(new CocoImage(i + 1, "images/" + file, img.Width, img.Height));
                foreach (var o in img.Objects)
                    annotations.Add(new CocoAnnotation(annotations.Count + 1, i + 1, o.ClassIndex + 1, o.Box, o.Area));
                progress?.Report(++done);
            }
            var categories = ClassNames.Select((c, i) => new CocoCategory(i + 1, c, "fashion")).ToList();
            CocoJson.WriteDataset(new CocoDataset(images, categories, annotations), Path.Combine(dir, AnnotationsFile));
        }
    }

    /// <summary>Reads a split folder written by <see cref="Generate"/> (or any COCO folder whose images are RGB PNG
    /// or JPEG files named relative to it) as detection samples: image [3, H, W] in [0, 1], boxes (x1, y1, x2, y2),
    /// labels = category id − 1.</summary>
    public static IReadOnlyList<DetectionSample> Load(string splitFolder)
    {
        var coco = CocoJson.ReadDataset(Path.Combine(splitFolder, AnnotationsFile));
        var byImage = coco.Annotations.ToLookup(a => a.ImageId);
        var samples = new List<DetectionSample>();
        foreach (var image in coco.Images)
        {
            var (chw, h, w) = PngFiles.ReadRgb(Path.Combine(splitFolder, image.FileName));
            var anns = byImage[image.Id].ToList();
            samples.Add(DetectionSample.Create(Tensor.FromArray(chw, [3, h, w]),
                [.. anns.Select(a => ((float)a.Box.X, (float)a.Box.Y, (float)(a.Box.X + a.Box.Width),
                    (float)(a.Box.Y + a.Box.Height)))],
                [.. anns.Select(a => a.CategoryId - 1)]));
        }
        return samples;
    }

    /// <summary>Reads a class-mask PNG (0 background, class index + 1 elsewhere) as bytes, row-major.</summary>
    public static (byte[] Values, int Height, int Width) ReadMask(string path) => PngFiles.ReadGray(path);

    private static bool KeepsOthersVisible(int[] instance, int w, float[] values, int gh, int gw, int x0, int y0,
        List<int> visible, List<int> full, double minFraction)
    {
        var covered = new int[visible.Count];
        for (int y = 0; y < gh; y++)
        {
            for (int x = 0; x < gw; x++)
            {
                int id = instance[(y0 + y) * w + x0 + x];
                if (id > 0 && values[y * gw + x] > MaskThreshold)
                    covered[id - 1]++;
            }
        }
        for (int j = 0; j < covered.Length; j++)
        {
            if (covered[j] > 0 && visible[j] - covered[j] < minFraction * full[j])
                return false;
        }
        return true;
    }

    /// <summary>Boxes and areas from the instance map; objects hidden entirely are dropped and the rest renumbered.
    /// </summary>
    private static FashionDetectionImage Finish(float[] image, int h, int w, int[] instance, List<int> classes)
    {
        int n = classes.Count;
        var (minX, minY, maxX, maxY, area) = (new int[n], new int[n], new int[n], new int[n], new int[n]);
        Array.Fill(minX, int.MaxValue);
        Array.Fill(minY, int.MaxValue);
        Array.Fill(maxX, -1);
        Array.Fill(maxY, -1);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int id = instance[y * w + x] - 1;
                if (id < 0)
                    continue;
                area[id]++;
                minX[id] = Math.Min(minX[id], x);
                maxX[id] = Math.Max(maxX[id], x);
                minY[id] = Math.Min(minY[id], y);
                maxY[id] = Math.Max(maxY[id], y);
            }
        }
        var renumber = new int[n + 1];
        var objects = new List<FashionDetectionObject>();
        for (int j = 0; j < n; j++)
        {
            if (area[j] == 0)
                continue;
            objects.Add(new FashionDetectionObject(classes[j],
                new CocoBox(minX[j], minY[j], maxX[j] + 1 - minX[j], maxY[j] + 1 - minY[j]), area[j]));
            renumber[j + 1] = objects.Count;
        }
        var classMask = new byte[h * w];
        for (int p = 0; p < instance.Length; p++)
        {
            instance[p] = renumber[instance[p]];
            if (instance[p] > 0)
                classMask[p] = (byte)(objects[instance[p] - 1].ClassIndex + 1);
        }
        return new FashionDetectionImage(image, h, w, objects, classMask, instance);
    }

    private static (byte[] Images, byte[] Labels) Glyphs(FashionDetectionSplit split, string? folder)
    {
        string prefix = split == FashionDetectionSplit.Train ? "train" : "t10k";
        string images = $"{prefix}-images-idx3-ubyte", labels = $"{prefix}-labels-idx1-ubyte";
        folder ??= DatasetLocator.Find("fashion-mnist", [images + ".gz", labels + ".gz"])
            ?? DatasetLocator.Find("fashion-mnist", [images, labels])
            ?? throw new FoveaException($"Fashion-MNIST ({images}, {labels}) not found in " +
                string.Join(", ", DatasetLocator.SearchFolders("fashion-mnist")) +
                $"; set {DatasetLocator.EnvironmentVariable} or pass the folder");
        return s_glyphs.GetOrAdd((Path.GetFullPath(folder), split), key =>
        {
            string Pick(string name) => File.Exists(Path.Combine(key.Item1, name + ".gz"))
                ? Path.Combine(key.Item1, name + ".gz") : Path.Combine(key.Item1, name);
            var x = IdxReader.Read(Pick(images));
            var y = IdxReader.Read(Pick(labels));
            if (x.Dimensions.Rank != 3 || x.Dimensions[1] != 28 || x.Dimensions[2] != 28
                || y.Dimensions[0] != x.Dimensions[0])
                throw new FoveaException($"Fashion-MNIST in {key.Item1}: images {x.Dimensions}, labels " +
                    $"{y.Dimensions}; expected [N, 28, 28] and [N]");
            return (x.Values, y.Values);
        });
    }
}
