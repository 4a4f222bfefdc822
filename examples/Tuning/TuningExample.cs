using System.Globalization;
using Fovea.Data;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Training;
using Fovea.Tuning;

namespace Fovea.Examples.Tuning;

/// <summary>
/// The walkthrough's section 6.3 (automated CNN design with KerasTuner) in C#: <c>build_model(hp)</c>, a
/// <c>BayesianOptimization</c> tuner, <c>search</c> with early stopping, <c>get_best_models</c>. Fashion-MNIST
/// (28×28×1) stands in for the walkthrough's data; a cheap performance estimate (a subset, few epochs) keeps it short.
/// <code>
/// dotnet run -c Release --project examples/Tuning -- [--limit 3000] [--epochs 3] [--max-trials 10] [--dir nas_dir]
/// </code>
/// </summary>
public static class TuningExample
{
    /// <summary>
    /// The walkthrough's <c>build_model</c>. One addition: each block's parameters sit in a conditional scope, so a
    /// trial with 3 blocks records no filters_3 (KerasTuner would carry a stale one along); and pooling stops at 1×1.
    /// </summary>
    public static Model BuildModel(HyperParameters hp)
    {
        var model = new Sequential([], seed: hp.Seed);
        int size = 28;
        // Tune the number of convolutional blocks
        int numBlocks = hp.Int("num_blocks", 2, 5);
        for (int i = 0; i < numBlocks; i++)
        {
            using var scope = hp.ConditionalScope("num_blocks", Enumerable.Range(i + 1, 5 - i).Cast<object>().ToArray());
            // Tune the number of filters
            int filters = hp.Choice($"filters_{i}", [32, 64, 128, 256]);
            model.Add(new Conv2D(filters, 3, padding: Padding.Same, activation: Activations.Swish));
            model.Add(new BatchNormalization());
            if (hp.Boolean($"use_se_{i}"))   // Tune whether to use SE attention
                model.Add(new SqueezeExcitation(null, Math.Max(1, filters / 16)));
            if (size >= 2)
            {
                model.Add(new MaxPooling2D(2));
                size /= 2;
            }
            model.Add(new Dropout(hp.Float($"dropout_{i}", 0.1, 0.5, step: 0.1)));
        }
        model.Add(new GlobalAveragePooling2D());
        model.Add(new Dense(10, Activations.Softmax));

        // Tune the learning rate
        double learningRate = hp.Float("lr", 1e-4, 1e-2, sampling: Sampling.Log);
        model.Compile(new Adam(learningRate: learningRate), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        return model;
    }

    /// <summary>Runs the search on the first <paramref name="limit"/> images; returns the tuner and the best model.</summary>
    public static (Tuner Tuner, Model Best) Run(int limit, int epochs, int maxTrials, string directory, TextWriter log)
    {
        var (train, test) = FashionMnist.Load(normalization: FashionMnist.Standardization);
        var xTrain = train.Take(limit);
        var validation = test.Take(Math.Max(10, limit / 5));

        // Initialize the tuner
        var tuner = new BayesianOptimization(BuildModel, objective: "val_accuracy", maxTrials: maxTrials,
            directory: directory, projectName: "cnn_architecture_search") { Log = log };

        // Run the search
        tuner.Search(xTrain, epochs: epochs, validationData: validation, batchSize: 64,
            callbacks: [new EarlyStopping(monitor: "val_accuracy", patience: 5)]);

        // Get the best model
        var bestModel = tuner.GetBestModels(numModels: 1)[0];
        log.WriteLine(tuner.ResultsSummary(3));
        return (tuner, bestModel);
    }

    public static int Main(string[] args)
    {
        int limit = Option(args, "--limit", 3000);
        int epochs = Option(args, "--epochs", 3);
        int maxTrials = Option(args, "--max-trials", 10);
        string dir = args.SkipWhile(a => a != "--dir").Skip(1).FirstOrDefault() ?? "nas_dir";
        var (_, best) = Run(limit, epochs, maxTrials, dir, Console.Out);
        var (_, test) = FashionMnist.Load(normalization: FashionMnist.Standardization);
        Console.WriteLine($"best model test accuracy {best.Evaluate(test).Accuracy.ToString("F4", CultureInfo.InvariantCulture)}");
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
