using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fovea.IO;
using Fovea.Tensors;
using Fovea.Training;
using Fovea.Vision.Detection;
using Fovea.Vision.Formats;
using Fovea.Vision.Metrics;

namespace Fovea.Vision.Detectors.Yolo;

/// <summary>Settings of <see cref="YoloTrainer"/>.</summary>
public sealed record YoloTrainingOptions
{
    /// <summary>Model size.</summary>
    public YoloSize Size { get; init; } = YoloSize.S;

    /// <summary>Epochs.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Images per batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Square input side (a multiple of 32); images are resized to it.</summary>
    public int ImageSize { get; init; } = 320;

    /// <summary>Seed of the weights, the order and the augmentations.</summary>
    public int Seed { get; init; }

    /// <summary>Peak learning rate of AdamW.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 5e-4;

    /// <summary>Linear warm-up length in epochs (at least 50 steps); then cosine decay to 1% of the peak.</summary>
    public double WarmupEpochs { get; init; } = 1;

    /// <summary>Mosaic for every training image except in the last this many epochs (YOLOv8's close_mosaic).
    /// </summary>
    public int CloseMosaicEpochs { get; init; } = 2;

    /// <summary>Keep an exponential moving average of the weights (decay 0.9999·(1 − e^(−updates/τ))) and
    /// evaluate and save it.</summary>
    public bool Ema { get; init; } = true;

    /// <summary>τ of the EMA ramp in updates.</summary>
    public double EmaTau { get; init; } = 500;

    /// <summary>Validation images used for mAP each epoch (all when null).</summary>
    public int? ValidationImages { get; init; }
}

/// <summary>One epoch's record.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Loss">Mean total loss.</param>
/// <param name="Box">Mean CIoU term.</param>
/// <param name="Class">Mean classification term.</param>
/// <param name="Dfl">Mean DFL term.</param>
/// <param name="MeanAP">COCO mAP@[.5:.95] on the validation split.</param>
/// <param name="MeanAP50">COCO mAP@.5.</param>
/// <param name="Seconds">Wall time of the epoch (training and evaluation).</param>
public sealed record YoloEpoch(int Epoch, double Loss, double Box, double Class, double Dfl, double MeanAP,
    double MeanAP50, double Seconds);

/// <summary>
/// Trains a <see cref="YoloDetector"/> on a COCO folder (DATA/train, DATA/val) into a run folder: AdamW with
/// linear warm-up and cosine decay, gradient norm clipped at 10, mosaic then plain images in the last epochs,
/// random horizontal flips, an EMA of the weights; each epoch the COCO mAP of the (EMA) model on the val split, a
/// checkpoint (RUN/checkpoint: network, EMA, optimizer state, history; replaced as a whole folder) from which
/// <see cref="Run"/> resumes, and the model for inference in RUN/model.
/// </summary>
public sealed class YoloTrainer
{
    /// <summary>Folder of the inference model inside a run.</summary>
    public const string ModelFolder = "model";

    /// <summary>Folder of the checkpoint inside a run.</summary>
    public const string CheckpointFolder = "checkpoint";

    private readonly YoloTrainingOptions _options;
    private readonly CocoFolder _train;
    private readonly CocoFolder _val;
    private readonly string _run;

    /// <summary>Prepares a run.</summary>
    /// <param name="data">COCO folder with train/ and val/.</param>
    /// <param name="run">Run folder (created).</param>
    /// <param name="options">Settings.</param>
    public YoloTrainer(string data, string run, YoloTrainingOptions options)
    {
        _options = options;
        if (options.Epochs <= 0 || options.BatchSize <= 0)
            throw new FoveaException($"YoloTrainer: epochs {options.Epochs} and batch size {options.BatchSize} " +
                "must be positive");
        _train = new CocoFolder(Path.Combine(data, "train"));
        _val = new CocoFolder(Path.Combine(data, "val"));
        if (_train.Count == 0)
            throw new FoveaException($"YoloTrainer: '{data}/train' holds no images");
        _run = run;
        Directory.CreateDirectory(run);
        Detector = new YoloDetector(options.Size, _train.Categories.Count, options.ImageSize, seed: options.Seed,
            classNames: [.. _train.Categories.Select(c => c.Name)],
            categoryIds: [.. _train.Categories.Select(c => c.Id)]);
    }

    /// <summary>The detector being trained (its network holds the raw weights).</summary>
    public YoloDetector Detector { get; }

    /// <summary>Epoch records so far.</summary>
    public List<YoloEpoch> History { get; } = [];

    /// <summary>Per-class AP of the last evaluation (class name → AP@[.5:.95]).</summary>
    public IReadOnlyDictionary<string, double> PerClassAP { get; private set; } = new Dictionary<string, double>();

    /// <summary>Trains, resuming from RUN/checkpoint when <paramref name="resume"/> and it exists.</summary>
    /// <param name="resume">Continue a previous run.</param>
    /// <param name="log">Progress lines.</param>
    public void Run(bool resume = false, Action<string>? log = null)
    {
        log ??= _ => { };
        var o = _options;
        var net = Detector.Network;
        var parameters = net.TrainableWeights.ToList();
        var named = net.NamedWeights();
        var opt = new AdamW(o.LearningRate, o.WeightDecay) { ClipNorm = 10 };
        var ema = o.Ema ? named.Select(kv => kv.Value.ToArray()).ToList() : null;
        int updates = 0, start = 0;
        if (resume && LoadCheckpoint(opt, ema, ref updates) is int done)
        {
            start = done;
            log($"resumed from {Path.Combine(_run, CheckpointFolder)} after epoch {done}");
        }
        int steps = (_train.Count + o.BatchSize - 1) / o.BatchSize;
        int total = steps * o.Epochs;
        int warmup = Math.Max(50, (int)(o.WarmupEpochs * steps));
        for (int epoch = start; epoch < o.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            bool mosaic = epoch < o.Epochs - o.CloseMosaicEpochs;
            var random = new Random(HashCode.Combine(o.Seed, epoch, 17) & int.MaxValue);
            var order = Enumerable.Range(0, _train.Count).OrderBy(_ => random.Next()).ToArray();
            double sum = 0, sumBox = 0, sumCls = 0, sumDfl = 0;
            for (int s = 0; s < steps; s++)
            {
                double lrNow = LearningRateAt(updates, warmup, total);
                opt.LearningRate = lrNow;
                var samples = new List<DetectionSample>();
                for (int k = s * o.BatchSize; k < Math.Min(_train.Count, (s + 1) * o.BatchSize); k++)
                    samples.Add(Augment(order[k], mosaic, random));
                var batch = DetectionLoader.Collate(samples);
                var terms = Detector.ComputeLoss(batch.Images, batch.Boxes, batch.Labels);
                Optimizer.ZeroGrad(parameters);
                terms.Total.Backward();
                opt.Step(parameters);
                updates++;
                if (ema is not null)
                    UpdateEma(ema, named, updates);
                sum += terms.Total.Item();
                sumBox += terms.Box.Item();
                sumCls += terms.Class.Item();
                sumDfl += terms.Dfl.Item();
                if ((s + 1) % 10 == 0 || s + 1 == steps)
                    log($"epoch {epoch + 1}/{o.Epochs} batch {s + 1}/{steps} loss {sum / (s + 1):F4} (box " +
                        $"{sumBox / (s + 1):F4} cls {sumCls / (s + 1):F4} dfl {sumDfl / (s + 1):F4}) lr {lrNow:G3} " +
                        $"{clock.Elapsed.TotalSeconds:F0} s");
            }
            var eval = WithWeights(ema, named, () => Evaluate(out _));
            var record = new YoloEpoch(epoch + 1, sum / steps, sumBox / steps, sumCls / steps, sumDfl / steps,
                eval.Stats[0], eval.Stats[1], clock.Elapsed.TotalSeconds);
            History.Add(record);
            PerClassAP = _val.Categories.ToDictionary(c => c.Name,
                c => eval.PerCategoryAP.TryGetValue(c.Id, out var ap) ? ap : double.NaN);
            log($"epoch {epoch + 1}/{o.Epochs}: loss {record.Loss:F4} mAP {record.MeanAP:F4} mAP50 " +
                $"{record.MeanAP50:F4} ({record.Seconds:F0} s)");
            WithWeights(ema, named, () => Detector.Save(Path.Combine(_run, ModelFolder)));
            SaveCheckpoint(opt, ema, updates, epoch + 1);
        }
    }

    /// <summary>Learning rate after <paramref name="step"/> updates: linear warm-up from 1% then cosine to 1%.
    /// </summary>
    private double LearningRateAt(int step, int warmup, int total)
    {
        double peak = _options.LearningRate;
        if (step < warmup)
            return peak * (0.01 + 0.99 * step / warmup);
        double t = Math.Min(1.0, (double)(step - warmup) / Math.Max(1, total - warmup));
        return peak * (0.01 + 0.99 * 0.5 * (1 + Math.Cos(Math.PI * t)));
    }

    private DetectionSample Augment(int index, bool mosaic, Random random)
    {
        int size = _options.ImageSize;
        var sample = _train.Sample(index, size);
        if (mosaic)
        {
            var four = new List<DetectionSample> { sample };
            for (int k = 0; k < 3; k++)
                four.Add(_train.Sample(random.Next(_train.Count), size));
            sample = BoxAugmentations.Mosaic(four, random, size, size);
        }
        return BoxAugmentations.RandomHorizontalFlip(sample, random);
    }

    private void UpdateEma(List<float[]> ema, IReadOnlyList<KeyValuePair<string, Parameter>> named, int updates)
    {
        float d = (float)(0.9999 * (1 - Math.Exp(-updates / _options.EmaTau)));
        for (int i = 0; i < ema.Count; i++)
        {
            var w = named[i].Value.AsReadOnlySpan();
            var e = ema[i];
            for (int j = 0; j < e.Length; j++)
                e[j] = d * e[j] + (1 - d) * w[j];
        }
    }

    /// <summary>Runs <paramref name="action"/> with the EMA weights in place, then puts the raw weights back.</summary>
    private static T WithWeights<T>(List<float[]>? ema, IReadOnlyList<KeyValuePair<string, Parameter>> named,
        Func<T> action)
    {
        if (ema is null)
            return action();
        var raw = named.Select(kv => kv.Value.ToArray()).ToList();
        for (int i = 0; i < ema.Count; i++)
            named[i].Value.Assign(ema[i]);
        try
        {
            return action();
        }
        finally
        {
            for (int i = 0; i < raw.Count; i++)
                named[i].Value.Assign(raw[i]);
        }
    }

    private static void WithWeights(List<float[]>? ema, IReadOnlyList<KeyValuePair<string, Parameter>> named,
        Action action) => WithWeights(ema, named, () => { action(); return 0; });

    /// <summary>COCO evaluation of the current weights on the val split (the first
    /// <see cref="YoloTrainingOptions.ValidationImages"/> images).</summary>
    public CocoEvaluation Evaluate(out IReadOnlyList<YoloDetections> detections)
    {
        int count = Math.Min(_val.Count, _options.ValidationImages ?? int.MaxValue);
        var all = new List<YoloDetections>();
        var results = new List<CocoDetection>();
        for (int s = 0; s < count; s += _options.BatchSize)
        {
            var idx = Enumerable.Range(s, Math.Min(_options.BatchSize, count - s)).ToList();
            var d = Detector.Predict(_val.Batch(idx, _options.ImageSize));
            for (int k = 0; k < idx.Count; k++)
            {
                all.Add(d[k]);
                results.AddRange(_val.ToCoco(idx[k], d[k], _options.ImageSize));
            }
        }
        detections = all;
        var images = _val.Dataset.Images.Take(count).ToList();
        var ids = images.Select(i => i.Id).ToHashSet();
        var gt = new CocoDataset(images, _val.Dataset.Categories,
            [.. _val.Dataset.Annotations.Where(a => ids.Contains(a.ImageId))]);
        return CocoEvaluator.Evaluate(gt, results);
    }

    /// <summary>Writes RUN/report.html: loss and mAP curves, per-class AP and a grid of val images with predicted
    /// (red) and true (green) boxes, from the saved inference model.</summary>
    public void WriteReport(int images = 12)
    {
        var model = YoloDetector.Load(Path.Combine(_run, ModelFolder));
        var grid = new List<byte[]>();
        for (int i = 0; i < Math.Min(images, _val.Count); i++)
        {
            var sample = _val.Sample(i, _options.ImageSize);
            int size = _options.ImageSize;
            var d = model.Predict(Tensor.Wrap(sample.Image.ToArray(), [1, 3, size, size]))[0];
            var keep = Enumerable.Range(0, d.Count).Where(k => d.Scores[k] >= 0.3f).ToArray();
            grid.Add(BoxDrawing.Png(sample.Image.AsReadOnlySpan(), sample.Height, sample.Width,
                sample.Boxes.AsReadOnlySpan(), [.. keep.SelectMany(k => d.Boxes.AsSpan(4 * k, 4).ToArray())],
                [.. keep.Select(k => d.Labels[k])], [.. keep.Select(k => d.Scores[k])], model.ClassNames,
                Math.Max(1, 320f / _options.ImageSize)));
        }
        YoloReport.Write(Path.Combine(_run, "report.html"), $"yolo-{_options.Size.ToString().ToLowerInvariant()}",
            History, PerClassAP, grid);
    }

    private void SaveCheckpoint(AdamW opt, List<float[]>? ema, int updates, int epoch)
    {
        string final = Path.Combine(_run, CheckpointFolder), staging = final + ".new";
        if (Directory.Exists(staging))
            Directory.Delete(staging, true);
        Directory.CreateDirectory(staging);
        var net = Detector.Network;
        net.SaveWeights(Path.Combine(staging, "weights.safetensors"));
        var named = net.NamedWeights();
        if (ema is not null)
            Safetensors.Save(Path.Combine(staging, "ema.safetensors"),
                named.Select((kv, i) => new KeyValuePair<string, Tensor>(kv.Key, Tensor.Wrap(ema[i], kv.Value.Shape))));
        var slots = new List<KeyValuePair<string, Tensor>>();
        var stepsOf = new JsonObject();
        foreach (var (name, p) in named)
        {
            if (opt.GetState(p) is not { } st)
                continue;
            for (int k = 0; k < st.Slots.Count; k++)
                slots.Add(new($"{name}#{k}", Tensor.Wrap(st.Slots[k], p.Shape)));
            stepsOf[name] = st.Steps;
        }
        Safetensors.Save(Path.Combine(staging, "optimizer.safetensors"), slots);
        var state = new JsonObject
        {
            ["epoch"] = epoch, ["updates"] = updates, ["iterations"] = opt.Iterations, ["steps"] = stepsOf,
            ["history"] = JsonSerializer.SerializeToNode(History),
            ["per_class_ap"] = JsonSerializer.SerializeToNode(PerClassAP.ToDictionary(kv => kv.Key,
                kv => double.IsNaN(kv.Value) ? -1 : kv.Value)),
        };
        AtomicFile.WriteAllText(Path.Combine(staging, "state.json"), state.ToJsonString());
        // Swap folders: a crash leaves either the old checkpoint or the complete staging one (LoadCheckpoint takes
        // the staging folder when the final one is missing).
        if (Directory.Exists(final))
            Directory.Delete(final, true);
        Directory.Move(staging, final);
    }

    private int? LoadCheckpoint(AdamW opt, List<float[]>? ema, ref int updates)
    {
        string dir = Path.Combine(_run, CheckpointFolder);
        if (!File.Exists(Path.Combine(dir, "state.json")))
            dir += ".new";
        if (!File.Exists(Path.Combine(dir, "state.json")))
            return null;
        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "state.json")))!.AsObject();
        var net = Detector.Network;
        net.LoadWeights(Path.Combine(dir, "weights.safetensors"));
        var named = net.NamedWeights();
        if (ema is not null && File.Exists(Path.Combine(dir, "ema.safetensors")))
        {
            var e = Safetensors.Load(Path.Combine(dir, "ema.safetensors")).Tensors.ToDictionary(kv => kv.Key,
                kv => kv.Value);
            for (int i = 0; i < named.Count; i++)
                ema[i] = e[named[i].Key].ToArray();
        }
        var slots = Safetensors.Load(Path.Combine(dir, "optimizer.safetensors")).Tensors.ToDictionary(kv => kv.Key,
            kv => kv.Value);
        var steps = state["steps"]!.AsObject();
        foreach (var (name, p) in named)
        {
            if (steps[name] is not { } s)
                continue;
            var arrays = new List<float[]>();
            for (int k = 0; slots.TryGetValue($"{name}#{k}", out var t); k++)
                arrays.Add(t.ToArray());
            opt.SetState(p, [.. arrays], s.GetValue<int>());
        }
        opt.Iterations = state["iterations"]!.GetValue<int>();
        updates = state["updates"]!.GetValue<int>();
        History.Clear();
        History.AddRange(state["history"].Deserialize<List<YoloEpoch>>()!);
        PerClassAP = state["per_class_ap"].Deserialize<Dictionary<string, double>>()!;
        return state["epoch"]!.GetValue<int>();
    }
}
