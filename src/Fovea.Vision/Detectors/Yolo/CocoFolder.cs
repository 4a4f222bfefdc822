using Fovea.Tensors;
using Fovea.Vision.Datasets;
using Fovea.Vision.Detection;
using Fovea.Vision.Formats;

namespace Fovea.Vision.Detectors.Yolo;

/// <summary>
/// A COCO split folder as <c>fovea detect generate</c> writes it (<c>annotations.json</c>, images named relative to
/// the folder), read lazily: images are decoded on each visit and resized to a square side, boxes scaled with them.
/// Labels are the categories' positions in id order (so category ids need not be contiguous).
/// </summary>
public sealed class CocoFolder
{
    /// <summary>Reads the annotations of <paramref name="folder"/>.</summary>
    public CocoFolder(string folder)
    {
        string path = Path.Combine(folder, FashionDetection.AnnotationsFile);
        if (!File.Exists(path))
            throw new FoveaException($"'{folder}' is not a COCO split folder: '{FashionDetection.AnnotationsFile}' " +
                "is missing");
        Folder = folder;
        Dataset = CocoJson.ReadDataset(path);
        Categories = [.. Dataset.Categories.OrderBy(c => c.Id)];
        _labelOf = Categories.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);
        _annotations = Dataset.Annotations.Where(a => !a.IsCrowd).ToLookup(a => a.ImageId);
    }

    private readonly Dictionary<int, int> _labelOf;
    private readonly ILookup<long, CocoAnnotation> _annotations;

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>The annotations file.</summary>
    public CocoDataset Dataset { get; }

    /// <summary>Categories in id order; label i is Categories[i].</summary>
    public IReadOnlyList<CocoCategory> Categories { get; }

    /// <summary>Number of images.</summary>
    public int Count => Dataset.Images.Count;

    /// <summary>Image i at its own size: [3, H, W] in [0, 1].</summary>
    public (float[] Chw, int Height, int Width) ReadImage(int i) =>
        PngFiles.ReadRgb(Path.Combine(Folder, Dataset.Images[i].FileName));

    /// <summary>Image i resized to <paramref name="size"/>×<paramref name="size"/> with its boxes scaled (crowd
    /// regions left out).</summary>
    public DetectionSample Sample(int i, int size)
    {
        var (chw, h, w) = ReadImage(i);
        var img = h == size && w == size ? chw : ImageResampling.Resize(chw, 3, h, w, size, size);
        float sx = (float)size / w, sy = (float)size / h;
        var anns = _annotations[Dataset.Images[i].Id].ToList();
        return DetectionSample.Create(Tensor.FromArray(img, [3, size, size]),
            [.. anns.Select(a => ((float)a.Box.X * sx, (float)a.Box.Y * sy, (float)(a.Box.X + a.Box.Width) * sx,
                (float)(a.Box.Y + a.Box.Height) * sy))],
            [.. anns.Select(a => _labelOf[a.CategoryId])]);
    }

    /// <summary>Images [N, 3, S, S] of the given indices, resized.</summary>
    public Tensor Batch(IReadOnlyList<int> indices, int size)
    {
        var data = new float[indices.Count * 3 * size * size];
        for (int k = 0; k < indices.Count; k++)
            Sample(indices[k], size).Image.AsReadOnlySpan().CopyTo(data.AsSpan(k * 3 * size * size));
        return Tensor.Wrap(data, [indices.Count, 3, size, size]);
    }

    /// <summary>Detections of image i (boxes in the model's S×S frame) as COCO results in the image's own pixels.
    /// </summary>
    public IEnumerable<CocoDetection> ToCoco(int i, YoloDetections d, int size)
    {
        var image = Dataset.Images[i];
        return ToCoco(image.Id, image.Width, image.Height, d, size, Categories);
    }

    /// <summary>Detections in an S×S frame as COCO results for an image of the given size.</summary>
    public static IEnumerable<CocoDetection> ToCoco(long imageId, int width, int height, YoloDetections d, int size,
        IReadOnlyList<CocoCategory> categories)
    {
        double sx = (double)width / size, sy = (double)height / size;
        for (int k = 0; k < d.Count; k++)
        {
            yield return new CocoDetection(imageId, categories[d.Labels[k]].Id,
                CocoBox.FromXyxy(d.Boxes[4 * k] * sx, d.Boxes[4 * k + 1] * sy, d.Boxes[4 * k + 2] * sx,
                    d.Boxes[4 * k + 3] * sy), d.Scores[k]);
        }
    }
}
