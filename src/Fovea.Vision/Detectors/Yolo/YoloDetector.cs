using System.Text.Json;
using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.IO;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Vision.Ops;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Detectors.Yolo;

/// <summary>One image's detections: boxes (x1, y1, x2, y2) in the input's pixels, scores and class labels, highest
/// score first.</summary>
/// <param name="Boxes">[K, 4] boxes.</param>
/// <param name="Scores">K scores in (0, 1).</param>
/// <param name="Labels">K class labels.</param>
public sealed record YoloDetections(float[] Boxes, float[] Scores, int[] Labels)
{
    /// <summary>Number of detections K.</summary>
    public int Count => Scores.Length;
}

/// <summary>
/// The YOLO-style anchor-free detector: the <see cref="YoloNetwork"/> graph, its anchor points (cell centres of the
/// stride 8, 16, 32 grids), the <see cref="YoloLoss"/> for training and the post-processing for inference (decode,
/// score threshold, class-aware NMS, at most <see cref="MaxDetections"/> per image).
/// </summary>
public sealed class YoloDetector
{
    /// <summary>File name of the detector's settings inside a saved folder (beside the model's files).</summary>
    public const string SettingsFileName = "yolo.json";

    /// <summary>Builds a fresh detector.</summary>
    /// <param name="size">n, s or m.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="imageSize">Square input side (a multiple of 32).</param>
    /// <param name="regMax">Largest distance bin (bins 0..regMax; YOLOv8's reg_max 16 is 15 here).</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="classNames">Optional class names (saved with the detector).</param>
    /// <param name="categoryIds">Optional COCO category id of each class (default: class + 1).</param>
    public YoloDetector(YoloSize size, int classes, int imageSize = 320, int regMax = 15, int seed = 0,
        IReadOnlyList<string>? classNames = null, IReadOnlyList<int>? categoryIds = null)
        : this(YoloNetwork.Create(size, classes, imageSize, regMax, seed), size, classes, imageSize, regMax,
            classNames, categoryIds)
    {
    }

    private YoloDetector(Model network, YoloSize size, int classes, int imageSize, int regMax,
        IReadOnlyList<string>? classNames, IReadOnlyList<int>? categoryIds)
    {
        CategoryIds = categoryIds ?? [.. Enumerable.Range(1, classes)];
        if (CategoryIds.Count != classes)
            throw new FoveaException($"YoloDetector: {CategoryIds.Count} category ids for {classes} classes");
        Network = network;
        Size = size;
        Classes = classes;
        ImageSize = imageSize;
        RegMax = regMax;
        ClassNames = classNames ?? [.. Enumerable.Range(0, classes).Select(i => i.ToString())];
        if (ClassNames.Count != classes)
            throw new FoveaException($"YoloDetector: {ClassNames.Count} class names for {classes} classes");
        Loss = new YoloLoss(regMax);
        var grids = YoloNetwork.Strides.Select(s => (imageSize / s, imageSize / s)).ToList();
        (AnchorPoints, AnchorStrides) = DistanceBoxCoder.AnchorPoints(grids, [.. YoloNetwork.Strides.Select(s =>
            (float)s)]);
    }

    /// <summary>The network (a functional model with three outputs).</summary>
    public Model Network { get; }

    /// <summary>The size n, s or m.</summary>
    public YoloSize Size { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Class names, index = label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>COCO category id of each class (what <c>fovea detect</c> writes as <c>category_id</c>).</summary>
    public IReadOnlyList<int> CategoryIds { get; }

    /// <summary>Square input side.</summary>
    public int ImageSize { get; }

    /// <summary>Largest distance bin.</summary>
    public int RegMax { get; }

    /// <summary>The training loss.</summary>
    public YoloLoss Loss { get; }

    /// <summary>Anchor points [A, 2] (x, y) in pixels, stride 8 grid first.</summary>
    public Tensor AnchorPoints { get; }

    /// <summary>Stride of each anchor point [A].</summary>
    public Tensor AnchorStrides { get; }

    /// <summary>Score threshold of <see cref="Predict"/>.</summary>
    public float ScoreThreshold { get; set; } = 0.001f;

    /// <summary>IoU threshold of the class-aware NMS.</summary>
    public float IouThreshold { get; set; } = 0.7f;

    /// <summary>Detections kept per image.</summary>
    public int MaxDetections { get; set; } = 300;

    /// <summary>
    /// Runs the network and flattens its three outputs into per-anchor logits.
    /// Shape: images [N, 3, S, S] → box logits [N, A, 4, regMax + 1] and class logits [N, A, C].
    /// </summary>
    public (Tensor BoxLogits, Tensor ClassLogits) Head(Tensor images, bool training = false)
    {
        if (images.Rank != 4 || images.Shape[1] != 3 || images.Shape[2] != ImageSize || images.Shape[3] != ImageSize)
            throw new FoveaException($"YoloDetector: expected images [N, 3, {ImageSize}, {ImageSize}], received " +
                $"{images.Shape}");
        return Flatten(Network.Run([images], training), RegMax, Classes);
    }

    /// <summary>
    /// Concatenates the per-level head outputs [N, 4·(regMax + 1) + C, Hₗ, Wₗ] into per-anchor logits (levels in
    /// order, cells row-major): box logits [N, A, 4, regMax + 1] and class logits [N, A, C].
    /// </summary>
    public static (Tensor BoxLogits, Tensor ClassLogits) Flatten(IReadOnlyList<Tensor> levels, int regMax,
        int classes)
    {
        int n = levels[0].Shape[0], ch = 4 * (regMax + 1) + classes;
        var flat = new List<Tensor>();
        foreach (var l in levels)
        {
            if (l.Rank != 4 || l.Shape[1] != ch)
                throw new FoveaException($"YoloDetector: expected head outputs [N, {ch}, H, W], received {l.Shape}");
            flat.Add(Reshape(l, n, ch, l.Shape[2] * l.Shape[3]));
        }
        var all = Permute(Concat(flat, 2), 0, 2, 1);
        int a = all.Shape[1];
        var box = Reshape(Slice(all, [0], [4 * (regMax + 1)], [2], [1]), n, a, 4, regMax + 1);
        var cls = Slice(all, [4 * (regMax + 1)], [ch], [2], [1]);
        return (box, cls);
    }

    /// <summary>The loss of a batch of images [N, 3, S, S] with their boxes and labels (training mode).</summary>
    public YoloLossTerms ComputeLoss(Tensor images, IReadOnlyList<Tensor> boxes,
        IReadOnlyList<IReadOnlyList<int>> labels)
    {
        var (box, cls) = Head(images, training: true);
        return Loss.Compute(box, cls, AnchorPoints, AnchorStrides, boxes, labels);
    }

    /// <summary>Detections for images [N, 3, S, S] (inference mode, no gradient).</summary>
    public IReadOnlyList<YoloDetections> Predict(Tensor images)
    {
        using var _ = GradMode.NoGrad();
        var (box, cls) = Head(images, training: false);
        return PostProcess(Loss.DecodeBoxes(box, AnchorPoints, AnchorStrides), cls);
    }

    /// <summary>
    /// The documented post-processing of the raw head outputs (also what an ONNX export's user runs): σ(class
    /// logits); every (anchor, class) pair above <see cref="ScoreThreshold"/> is a candidate (the 30,000 best at
    /// most); boxes clipped to the image; class-aware NMS at <see cref="IouThreshold"/>; the
    /// <see cref="MaxDetections"/> best kept.
    /// Shape: boxes [N, A, 4] (pixels), class logits [N, A, C].
    /// </summary>
    public IReadOnlyList<YoloDetections> PostProcess(Tensor boxes, Tensor classLogits)
    {
        int n = classLogits.Shape[0], a = classLogits.Shape[1], c = classLogits.Shape[2];
        var b = boxes.AsReadOnlySpan();
        var l = classLogits.AsReadOnlySpan();
        var results = new List<YoloDetections>();
        for (int img = 0; img < n; img++)
        {
            var cand = new List<(int Anchor, int Class, float Score)>();
            for (int i = 0; i < a; i++)
            {
                for (int k = 0; k < c; k++)
                {
                    float s = 1f / (1f + MathF.Exp(-l[(img * a + i) * c + k]));
                    if (s > ScoreThreshold)
                        cand.Add((i, k, s));
                }
            }
            cand.Sort((p, q) => q.Score.CompareTo(p.Score));
            if (cand.Count > 30000)
                cand.RemoveRange(30000, cand.Count - 30000);
            var cb = new float[cand.Count * 4];
            for (int j = 0; j < cand.Count; j++)
            {
                int o = (img * a + cand[j].Anchor) * 4;
                for (int e = 0; e < 4; e++)
                    cb[4 * j + e] = Math.Clamp(b[o + e], 0, ImageSize);
            }
            int[] keep = cand.Count == 0 ? [] : Boxes.BatchedNms(Tensor.Wrap(cb, [cand.Count, 4]),
                Tensor.Wrap([.. cand.Select(x => x.Score)], [cand.Count]), [.. cand.Select(x => x.Class)],
                IouThreshold);
            int kept = Math.Min(keep.Length, MaxDetections);
            var rb = new float[kept * 4];
            var rs = new float[kept];
            var rl = new int[kept];
            for (int j = 0; j < kept; j++)
            {
                Array.Copy(cb, 4 * keep[j], rb, 4 * j, 4);
                rs[j] = cand[keep[j]].Score;
                rl[j] = cand[keep[j]].Class;
            }
            results.Add(new YoloDetections(rb, rs, rl));
        }
        return results;
    }

    /// <summary>Saves the network (<see cref="Model.Save"/>) and the detector's settings into a folder.</summary>
    public void Save(string directory)
    {
        Network.Save(directory);
        var settings = new JsonObject
        {
            ["format"] = "fovea-yolo", ["size"] = Size.ToString().ToLowerInvariant(), ["classes"] = Classes,
            ["image_size"] = ImageSize, ["reg_max"] = RegMax,
            ["class_names"] = new JsonArray([.. ClassNames.Select(x => (JsonNode)x)]),
            ["category_ids"] = new JsonArray([.. CategoryIds.Select(x => (JsonNode)x)]),
            ["strides"] = new JsonArray([.. YoloNetwork.Strides.Select(x => (JsonNode)x)]),
        };
        AtomicFile.WriteAllText(Path.Combine(directory, SettingsFileName),
            settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Loads a detector saved with <see cref="Save"/>.</summary>
    public static YoloDetector Load(string directory)
    {
        string path = Path.Combine(directory, SettingsFileName);
        if (!File.Exists(path))
            throw new FoveaException($"'{directory}' is not a saved YOLO detector: '{SettingsFileName}' is missing");
        var s = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var size = ParseSize(s["size"]!.GetValue<string>());
        var names = s["class_names"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
        var ids = s["category_ids"]?.AsArray().Select(x => x!.GetValue<int>()).ToList();
        return new YoloDetector(Model.Load(directory), size, s["classes"]!.GetValue<int>(),
            s["image_size"]!.GetValue<int>(), s["reg_max"]!.GetValue<int>(), names, ids);
    }

    /// <summary>Parses "n", "s", "m" or "yolo-n", "yolo-s", "yolo-m".</summary>
    public static YoloSize ParseSize(string name)
    {
        string k = name.Trim().ToLowerInvariant();
        if (k.StartsWith("yolo-", StringComparison.Ordinal))
            k = k[5..];
        return k switch
        {
            "n" => YoloSize.N,
            "s" => YoloSize.S,
            "m" => YoloSize.M,
            _ => throw new FoveaException($"unknown YOLO model '{name}': expected yolo-n, yolo-s or yolo-m"),
        };
    }
}
