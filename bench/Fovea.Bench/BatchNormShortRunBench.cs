using Fovea.Data;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Training;

namespace Fovea.Bench;

/// <summary>
/// Batch-norm statistics on a short run (issue 10, item 10): the README's "Using the library" model on the first
/// 6,000 Fashion-MNIST training images, batch 64 (94 steps an epoch), AdamW lr 1e−3 with Fovea's default weight decay,
/// data standardised; test accuracy (10,000 images) after epochs 1 and 2, seeds 0 and 1 (FOVEA_SEED picks one), for
/// each rule of the moving statistics: "warmup" (the layer as it is: average until the window fills, then Keras),
/// "keras" (Keras' rule from the first batch with momentum 0.99, i.e. the layer before the warm-up: its count set to
/// warmed up on the fresh layers, which are at mean 0 and variance 1), and "keras-0.9" (the same with momentum 0.9,
/// PyTorch's default 0.1). bench/bn_short_run_torch.py trains the same model in PyTorch.
/// </summary>
internal sealed class BatchNormShortRunBench : IBenchmark
{
    public string Name => "bn_short_run";

    public string Description => "test accuracy, 1 and 2 epochs on 6,000 Fashion-MNIST images: BN warm-up vs Keras";

    public void Run(BenchReport report)
    {
        var (train, test) = FashionMnist.Load(normalization: FashionMnist.Standardization);
        train = train.Take(6000);
        int[] seeds = int.TryParse(Environment.GetEnvironmentVariable("FOVEA_SEED"), out int s) ? [s] : [0, 1];
        foreach (int seed in seeds)
        {
            foreach (string rule in new[] { "warmup", "keras", "keras-0.9" })
            {
                var model = Create(seed, rule == "keras-0.9" ? 0.9f : 0.99f);
                if (rule != "warmup")
                {
                    foreach (var bn in model.Layers.OfType<BatchNormalization>())
                        bn.MarkWarmedUp();
                }
                for (int epoch = 0; epoch < 2; epoch++)
                {
                    var history = model.Fit(train, epochs: epoch + 1, initialEpoch: epoch, batchSize: 64, verbose: 0);
                    double accuracy = model.Evaluate(test, batchSize: 1000).Accuracy;
                    report.Emit(Name, "test_acc", [accuracy], 1, BenchReport.Threads, ("rule", rule), ("seed", seed),
                        ("epoch", epoch + 1), ("steps", (epoch + 1) * 94), ("train_acc", history["accuracy"][^1]),
                        ("train_loss", history["loss"][^1]));
                }
            }
        }
    }

    /// <summary>The README's "Using the library" model, built and compiled.</summary>
    private static Sequential Create(int seed, float momentum)
    {
        var model = new Sequential(
            [new Conv2D(32, 3, padding: Padding.Same), new BatchNormalization(momentum),
             new Activation(Activations.Swish), new MaxPooling2D(2), new Dropout(0.25),
             new Conv2D(64, 3, padding: Padding.Same), new BatchNormalization(momentum),
             new Activation(Activations.Swish), new GlobalAveragePooling2D(),
             new Dense(128, Activations.Swish, kernelRegularizer: Regularizers.L2(1e-4)), new Dropout(0.5),
             new Dense(10, Activations.Softmax)], seed: seed, inputShape: [1, 28, 28]);
        model.Compile(new AdamW(learningRate: 1e-3), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        return model;
    }
}
