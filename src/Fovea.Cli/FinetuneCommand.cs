using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fovea.Data;
using Fovea.IO;
using Fovea.Models;
using Fovea.Onnx;
using Fovea.Training;

namespace Fovea.Cli;

/// <summary>
/// <c>fovea finetune</c>: transfer learning from a pretrained ONNX network. The network is cut at its last feature
/// map and frozen, a new head (global average pooling, dropout, dense softmax) is trained, then the last stage(s)
/// are unfrozen and fine-tuned with a low learning rate; or, with <c>--from-scratch</c>, the same network with fresh
/// weights is trained for the same number of epochs. Prints one line per epoch and <c>test_accuracy=</c>, and
/// saves the model to the run folder.
/// </summary>
internal static class FinetuneCommand
{
    private static readonly Dictionary<string, ImagePreprocessing> s_preprocessing = new()
    {
        ["cntk-resnet"] = ImagePreprocessing.CntkResNet,
        ["caffe"] = ImagePreprocessing.Caffe,
        ["torch"] = ImagePreprocessing.Torch,
        ["none"] = ImagePreprocessing.None,
    };

    /// <summary>PyTorch's default (its momentum 0.1): an imported file's momentum suits its long original training
    /// but leaves the moving statistics behind the weights in a short run from scratch.</summary>
    private const float ScratchBatchNormMomentum = 0.9f;

    public static Command Create()
    {
        var baseModel = new Option<string>("--base") { Description = "The pretrained ONNX network", Required = true };
        var data = new Option<string?>("--data")
        {
            Description = "An image folder with one subfolder per class (default: the bundled Fashion-MNIST)",
        };
        var trainCount = Int("--train-count", "Training images to use", 1000);
        var testCount = Int("--test-count", "Held-out test images to evaluate on", 2000);
        var testFraction = new Option<double>("--test-fraction")
        {
            Description = "With --data: the share of each class held out for testing",
            DefaultValueFactory = _ => 0.2,
        };
        var imageSize = Int("--image-size", "Height and width the images are resized to", 64);
        var epochs = Int("--epochs", "Epochs training the new head with the base frozen", 5);
        var fineTuneEpochs = Int("--fine-tune-epochs", "Epochs fine-tuning after unfreezing the last stage(s)", 5);
        var batchSize = Int("--batch-size", "Samples per training step", 32);
        var lr = Double("--lr", "Adam learning rate of the head phase (and of --from-scratch)", 1e-3);
        var fineTuneLr = Double("--fine-tune-lr", "Adam learning rate of the fine-tuning phase", 1e-4);
        var unfreeze = Int("--unfreeze-stages", "Stages of the base unfrozen for fine-tuning, counted from the end " +
            "(a stage ends where the resolution falls)", 1);
        var dropout = Double("--dropout", "Dropout rate before the new dense layer", 0.2);
        var fromScratch = new Option<bool>("--from-scratch")
        {
            Description = "Train the same network with freshly initialised weights instead, everything trainable, " +
                "for epochs + fine-tune epochs at --lr, BatchNormalization momentum 0.9 (the baseline the pretrained " +
                "start should beat)",
        };
        var trainBatchNorm = new Option<bool>("--train-batchnorm")
        {
            Description = "Let unfrozen BatchNormalization layers of the base update their statistics while " +
                "fine-tuning (default: the base stays in inference mode, as Keras advises)",
        };
        var preprocess = new Option<string>("--preprocess")
        {
            Description = "Input scaling the base expects: cntk-resnet (BGR 0..255 minus the mean, the ResNet-18 of " +
                "Microsoft.ML.DnnImageFeaturizer.ResNet18), caffe, torch (ImageNet mean/std) or none",
            DefaultValueFactory = _ => "cntk-resnet",
        };
        preprocess.AcceptOnlyFromAmong([.. s_preprocessing.Keys]);
        var features = new Option<string?>("--features")
        {
            Description = "Cut the base after this layer (ONNX node name; default: its last feature map)",
        };
        var seed = Int("--seed", "Seed of the head, dropout, shuffling and --from-scratch weights", 0);
        var outDir = new Option<string?>("--out") { Description = "Run folder (default: runs/finetune-<date-time>)" };
        var command = new Command("finetune",
            "Transfer learning: train a new head on a frozen pretrained ONNX network, then fine-tune its last stage")
        {
            baseModel, data, trainCount, testCount, testFraction, imageSize, epochs, fineTuneEpochs, batchSize, lr,
            fineTuneLr, unfreeze, dropout, fromScratch, trainBatchNorm, preprocess, features, seed, outDir,
        };
        command.SetAction(r => Run(new FinetuneOptions(r.GetValue(baseModel)!, r.GetValue(data),
            r.GetValue(trainCount), r.GetValue(testCount), r.GetValue(testFraction), r.GetValue(imageSize),
            r.GetValue(epochs), r.GetValue(fineTuneEpochs), r.GetValue(batchSize), r.GetValue(lr),
            r.GetValue(fineTuneLr), r.GetValue(unfreeze), r.GetValue(dropout), r.GetValue(fromScratch),
            r.GetValue(trainBatchNorm), r.GetValue(preprocess)!, r.GetValue(features), r.GetValue(seed),
            r.GetValue(outDir))));
        return command;
    }

    private static Option<int> Int(string name, string description, int value) =>
        new(name) { Description = description, DefaultValueFactory = _ => value };

    private static Option<double> Double(string name, string description, double value) =>
        new(name) { Description = description, DefaultValueFactory = _ => value };

    private static string? Check(FinetuneOptions o)
    {
        foreach (var (name, value) in new[] { ("--train-count", o.TrainCount), ("--test-count", o.TestCount),
            ("--image-size", o.ImageSize), ("--batch-size", o.BatchSize), ("--unfreeze-stages", o.UnfreezeStages) })
        {
            if (value <= 0)
                return $"{name} must be positive, received {value}";
        }
        if (o.Epochs < 0 || o.FineTuneEpochs < 0 || o.Epochs + o.FineTuneEpochs == 0)
            return $"--epochs and --fine-tune-epochs must be >= 0 and not both 0, received {o.Epochs} and " +
                $"{o.FineTuneEpochs}";
        if (!(o.LearningRate > 0) || !(o.FineTuneLearningRate > 0))
            return $"--lr and --fine-tune-lr must be positive, received {o.LearningRate} and {o.FineTuneLearningRate}";
        if (!(o.Dropout >= 0 && o.Dropout < 1))
            return $"--dropout must be in [0, 1), received {o.Dropout}";
        if (!(o.TestFraction > 0 && o.TestFraction < 1))
            return $"--test-fraction must be in (0, 1), received {o.TestFraction}";
        return null;
    }

    private static int Run(FinetuneOptions o)
    {
        if (Check(o) is { } problem)
            return CliRunner.Fail(problem);
        var clock = Stopwatch.StartNew();
        var baseModel = TransferLearning.LoadBase(o.Base, o.ImageSize, o.Features);
        var sample = baseModel.Inputs[0].Shape;
        int stages = baseModel.Stages().Count;
        if (!o.FromScratch && o.FineTuneEpochs > 0 && o.UnfreezeStages > stages)
            return CliRunner.Fail($"--unfreeze-stages {o.UnfreezeStages}: the base '{o.Base}' has {stages} stages");
        var (train, test, source) = LoadData(o, sample);
        var preprocessing = s_preprocessing[o.Preprocess];
        train = preprocessing.Apply(train, sample);
        test = preprocessing.Apply(test, sample);
        int classes = train.ClassNames?.Count ?? (int)train.Labels.ToArray().Max() + 1;
        string runDir = o.OutDir ?? Path.Combine("runs",
            "finetune-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(runDir);
        Console.WriteLine($"fovea finetune: base '{o.Base}' cut after '{baseModel.Outputs[0].Layer?.Name}' " +
            $"(features {baseModel.Outputs[0].Shape}); {train.Count} training and {test.Count} test images of " +
            $"{sample} ({source}), {classes} classes; run folder {runDir}");

        Model model;
        double? headAccuracy = null;
        if (o.FromScratch)
        {
            var fresh = baseModel.CloneArchitecture(o.Seed, batchNormMomentum: ScratchBatchNormMomentum);
            fresh.Trainable = true;
            model = TransferLearning.Classifier(fresh, classes, o.Dropout, o.Seed, baseTraining: null);
            Phase(model, train, o.Epochs + o.FineTuneEpochs, o.LearningRate, o.BatchSize, runDir, "history.csv",
                "from scratch: the same network with fresh weights, everything trainable");
        }
        else
        {
            baseModel.Trainable = false;
            model = TransferLearning.Classifier(baseModel, classes, o.Dropout, o.Seed,
                baseTraining: o.TrainBatchNorm ? null : false);
            if (o.Epochs > 0)
            {
                Phase(model, train, o.Epochs, o.LearningRate, o.BatchSize, runDir, "history-head.csv",
                    "head: the base frozen");
                headAccuracy = model.Evaluate(test).Accuracy;
                Console.WriteLine($"head_test_accuracy={Format(headAccuracy.Value)}");
            }
            if (o.FineTuneEpochs > 0)
            {
                var unfrozen = TransferLearning.UnfreezeLastStages(baseModel, o.UnfreezeStages);
                Phase(model, train, o.FineTuneEpochs, o.FineTuneLearningRate, o.BatchSize, runDir,
                    "history-finetune.csv", $"fine-tune: the last {o.UnfreezeStages} stage(s) unfrozen " +
                    $"({unfrozen.Count} layers from '{unfrozen[0].Name}' to '{unfrozen[^1].Name}')");
            }
        }

        var result = model.Evaluate(test);
        double seconds = clock.Elapsed.TotalSeconds;
        model.Save(runDir);
        AtomicFile.WriteAllText(Path.Combine(runDir, "finetune.json"), JsonSerializer.Serialize(new
        {
            Options = o with { OutDir = null },
            Preprocessing = preprocessing.ToString(),
            SampleShape = sample.ToArray(),
            HeadTestAccuracy = headAccuracy,
            TestAccuracy = result.Accuracy,
            WallSeconds = seconds,
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"test_loss={Format(result.Loss)}");
        Console.WriteLine($"test_accuracy={Format(result.Accuracy)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wall_time={seconds:F1}s"));
        Console.WriteLine($"saved {Path.Combine(runDir, Model.ConfigFileName)}, {Model.WeightsFileName} and " +
            "finetune.json (inputs must be preprocessed as it says)");
        return 0;
    }

    private static void Phase(Model model, Dataset train, int epochs, double learningRate, int batchSize,
        string runDir, string historyFile, string what)
    {
        model.Compile(new Adam(learningRate), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        long trainable = model.TrainableWeights.Sum(w => (long)w.Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}; {trainable:N0} trainable parameters, {epochs} epochs, Adam {learningRate:G3}"));
        var progress = new ConsoleProgress();
        model.Fit(train, epochs: epochs, batchSize: batchSize, verbose: 0, callbacks:
        [
            new CsvLogger(Path.Combine(runDir, historyFile)),
            new ProgressCallback(progress.OnBatch, progress.OnEpoch),
        ]);
    }

    /// <summary>Fashion-MNIST (first N training and M test images) or an image folder split per class; pixels in
    /// [0, 1].</summary>
    private static (Dataset Train, Dataset Test, string Source) LoadData(FinetuneOptions o, Tensors.Shape sample)
    {
        if (o.Data is null)
        {
            var (train, test) = FashionMnist.Load();
            return (train.Take(Math.Min(o.TrainCount, train.Count)), test.Take(Math.Min(o.TestCount, test.Count)),
                "Fashion-MNIST");
        }
        var folder = ImageFolder.Load(o.Data, (sample[1], sample[2]),
            sample[0] == 1 ? ColorMode.Grayscale : ColorMode.Rgb);
        var (rest, held) = folder.Dataset.Split(1 - o.TestFraction, o.Seed, stratified: true);
        return (Cap(rest, o.TrainCount, o.Seed), Cap(held, o.TestCount, o.Seed), $"image folder '{o.Data}'");

        static Dataset Cap(Dataset d, int n, int seed) =>
            n >= d.Count ? d : d.Split((double)n / d.Count, seed, stratified: true).First;
    }

    private static string Format(double v) => v.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>The resolved options of a run, saved in finetune.json.</summary>
    internal sealed record FinetuneOptions(string Base, string? Data, int TrainCount, int TestCount,
        double TestFraction, int ImageSize, int Epochs, int FineTuneEpochs, int BatchSize, double LearningRate,
        double FineTuneLearningRate, int UnfreezeStages, double Dropout, bool FromScratch, bool TrainBatchNorm,
        string Preprocess, string? Features, int Seed, string? OutDir);
}
