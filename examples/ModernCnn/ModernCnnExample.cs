using System.Globalization;
using Fovea.Data;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Training;

namespace Fovea.Examples.ModernCnn;

/// <summary>
/// The walkthrough's Part 2 in C#: <c>create_modern_cnn</c> (three convolutional blocks with batch normalization
/// before swish, dropout, global average pooling and an L2-regularised head), compiled by Keras names with
/// <c>categorical_crossentropy</c> on one-hot labels from <see cref="Utils.ToCategorical"/>, trained with
/// <c>ReduceLROnPlateau</c> and <c>EarlyStopping</c> against the test pair given as <c>validationData</c>, then
/// evaluated, with the accuracy and loss curves drawn side by side in one PNG (the walkthrough's two subplots).
/// <code>
/// dotnet run -c Release --project examples/ModernCnn -- [--cifar10 DIR] [--limit N] [--epochs 100] [--out DIR]
/// </code>
/// Without <c>--cifar10</c> it trains on the bundled Fashion-MNIST (1×28×28 instead of CIFAR-10's 3×32×32).
/// </summary>
public static class ModernCnnExample
{
    /// <summary>The walkthrough's <c>create_modern_cnn(input_shape, num_classes)</c>, channels first.</summary>
    public static Sequential CreateModernCnn(int[] inputShape, int numClasses = 10, int seed = 0)
    {
        var model = new Sequential([], seed: seed);

        // First convolutional block: feature extraction foundation
        model.Add(new Conv2D(32, 3, padding: Padding.Same));
        model.Add(new BatchNormalization());   // batch norm before the activation
        model.Add(new Activation("swish"));
        model.Add(new Conv2D(32, 3, padding: Padding.Same));
        model.Add(new BatchNormalization());
        model.Add(new Activation("swish"));
        model.Add(new MaxPooling2D(2));
        model.Add(new Dropout(0.25));

        // Second convolutional block: more complex features
        model.Add(new Conv2D(64, 3, padding: Padding.Same));
        model.Add(new BatchNormalization());
        model.Add(new Activation("swish"));
        model.Add(new Conv2D(64, 3, padding: Padding.Same));
        model.Add(new BatchNormalization());
        model.Add(new Activation("swish"));
        model.Add(new MaxPooling2D(2));
        model.Add(new Dropout(0.25));

        // Third convolutional block: high-level abstraction
        model.Add(new Conv2D(128, 3, padding: Padding.Same));
        model.Add(new BatchNormalization());
        model.Add(new Activation("swish"));
        model.Add(new GlobalAveragePooling2D());   // instead of Flatten + Dense: far fewer parameters

        // Classification head
        model.Add(new Dense(128, activation: "swish", kernelRegularizer: Regularizers.L2(1e-4)));
        model.Add(new Dropout(0.5));
        model.Add(new Dense(numClasses, activation: "softmax"));
        model.Build(inputShape);   // Keras's input_shape on the first layer
        return model;
    }

    /// <summary>What <see cref="Run"/> measured.</summary>
    public sealed record Result(History History, double TestLoss, double TestAccuracy);

    /// <summary>
    /// The walkthrough's flow on <paramref name="train"/> and <paramref name="test"/> (labels as class indices):
    /// one-hot labels, compile, summary, fit with the two callbacks, evaluate, and the plot in
    /// <paramref name="plotFolder"/> (<c>history.png</c>) when one is given.
    /// </summary>
    public static Result Run(Dataset train, Dataset test, int epochs, int batchSize, TextWriter log,
        string? plotFolder = null, int verbose = 1)
    {
        int numClasses = train.ClassNames?.Count ?? 10;
        var (xTrain, xTest) = (train.Features, test.Features);
        var yTrain = Utils.ToCategorical(train.Labels, numClasses);
        var yTest = Utils.ToCategorical(test.Labels, numClasses);
        log.WriteLine($"Training data shape: {xTrain.Shape}");
        log.WriteLine($"Test data shape: {xTest.Shape}");

        var model = CreateModernCnn(train.SampleShape.ToArray(), numClasses);
        model.Compile(optimizer: "adamw", loss: "categorical_crossentropy", metrics: ["accuracy"]);
        model.Summary(log);

        Callback[] callbacks =
        [
            new ReduceLROnPlateau(monitor: "val_loss", factor: 0.5, patience: 5, minLearningRate: 1e-7),
            new EarlyStopping(monitor: "val_loss", patience: 15, restoreBestWeights: true),
        ];
        var history = model.Fit(xTrain, yTrain, batchSize: batchSize, epochs: epochs,
            validationData: (xTest, yTest), callbacks: callbacks, verbose: verbose);

        var result = model.Evaluate((xTest, yTest));
        log.WriteLine($"Final Test Accuracy: {result.Accuracy:F4}");
        if (plotFolder is not null)
        {
            Directory.CreateDirectory(plotFolder);
            history.SavePlot(Path.Combine(plotFolder, "history.png"));   // accuracy and loss, train and validation
        }
        return new Result(history, result.Loss, result.Accuracy);
    }

    public static int Main(string[] args)
    {
        string? cifar = Option(args, "--cifar10");
        int limit = int.Parse(Option(args, "--limit") ?? "0", CultureInfo.InvariantCulture);
        int epochs = int.Parse(Option(args, "--epochs") ?? "100", CultureInfo.InvariantCulture);
        // The loaders scale pixels to [0, 1], as the walkthrough's x / 255.0.
        var (train, test) = cifar is null ? FashionMnist.Load() : Cifar10.Load(cifar);
        if (limit > 0)
            (train, test) = (train.Take(limit), test.Take(Math.Min(limit, test.Count)));
        Run(train, test, epochs, batchSize: 128, Console.Out, Option(args, "--out") ?? "modern-cnn-plots");
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
