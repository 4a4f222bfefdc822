using System.Globalization;
using Fovea.Tensors;
using Fovea.Training;
using Fovea.Vision.Datasets;
using Fovea.Vision.Detection;
using Fovea.Vision.Detectors.Yolo;
using Fovea.Vision.Formats;
using Fovea.Vision.Metrics;

namespace Fovea.Examples.Detection;

/// <summary>
/// The walkthrough's single-stage detector (section 4.1) in C#: a YOLO-style anchor-free model trained on the
/// generated Fashion-MNIST detection dataset with a hand-written loop (mosaic, flips, AdamW), then scored with COCO
/// mAP. <c>fovea detect train</c> runs the same steps with warm-up, cosine decay, EMA, checkpoints and a report.
/// <code>
/// dotnet run -c Release --project examples/Detection -- [--train 200] [--val 50] [--image-size 160] [--epochs 3]
/// </code>
/// </summary>
public static class DetectionExample
{
    /// <summary>Generates the dataset into <paramref name="folder"/>, trains yolo-n and evaluates it.</summary>
    /// <returns>The mean loss of the first and the last epoch, and the val COCO mAP@[.5:.95] and mAP@.5.</returns>
    public static (double FirstLoss, double LastLoss, double MeanAP, double MeanAP50) Run(string folder,
        int trainImages, int valImages, int imageSize, int epochs, TextWriter log, int batchSize = 8, int seed = 0)
    {
        FashionDetection.Generate(folder, trainImages, valImages, seed);
        var train = new CocoFolder(Path.Combine(folder, "train"));
        var val = new CocoFolder(Path.Combine(folder, "val"));

        // yolo-n: CSP backbone, PAN neck, decoupled DFL + class head at strides 8, 16, 32.
        var detector = new YoloDetector(YoloSize.N, classes: train.Categories.Count, imageSize: imageSize, seed: seed,
            classNames: [.. train.Categories.Select(c => c.Name)]);
        var weights = detector.Network.TrainableWeights.ToList();
        var optimizer = new AdamW(learningRate: 2e-3, weightDecay: 5e-4) { ClipNorm = 10 };
        var random = new Random(seed);
        double first = 0, last = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            bool mosaic = epoch < epochs - 1;             // the last epoch sees plain images
            var order = Enumerable.Range(0, train.Count).OrderBy(_ => random.Next()).ToArray();
            double sum = 0;
            int steps = 0;
            for (int s = 0; s < order.Length; s += batchSize)
            {
                var samples = order.Skip(s).Take(batchSize).Select(i =>
                {
                    var sample = train.Sample(i, imageSize);
                    if (mosaic)
                        sample = BoxAugmentations.Mosaic([sample, .. Enumerable.Range(0, 3).Select(_ =>
                            train.Sample(random.Next(train.Count), imageSize))], random, imageSize, imageSize);
                    return BoxAugmentations.RandomHorizontalFlip(sample, random);
                }).ToList();
                var batch = DetectionLoader.Collate(samples);
                // Task-aligned assignment, then BCE (soft targets) + CIoU + DFL, normalised by Σ target scores.
                var loss = detector.ComputeLoss(batch.Images, batch.Boxes, batch.Labels);
                Optimizer.ZeroGrad(weights);
                loss.Total.Backward();
                optimizer.Step(weights);
                sum += loss.Total.Item();
                steps++;
            }
            (first, last) = (epoch == 0 ? sum / steps : first, sum / steps);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}: loss {sum / steps:F4}"));
        }

        // Inference: decode, score threshold, class-aware NMS; boxes back to the images' pixels for COCO.
        var results = new List<CocoDetection>();
        for (int i = 0; i < val.Count; i++)
        {
            var d = detector.Predict(val.Batch([i], imageSize))[0];
            results.AddRange(val.ToCoco(i, d, imageSize));
        }
        var stats = CocoEvaluator.Evaluate(val.Dataset, results).Stats;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"val mAP@[.5:.95] {stats[0]:F4}, mAP@.5 {stats[1]:F4}"));
        return (first, last, stats[0], stats[1]);
    }

    /// <summary>Command-line entry.</summary>
    public static void Main(string[] args)
    {
        int Arg(string name, int fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }
        string folder = Directory.CreateTempSubdirectory("fovea-detection-example-").FullName;
        try
        {
            Run(folder, Arg("--train", 200), Arg("--val", 50), Arg("--image-size", 160), Arg("--epochs", 3),
                Console.Out);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
