using System.Diagnostics;
using Fovea.Data;
using Fovea.Models.Zoo;
using Fovea.Training;

namespace Fovea.Bench;

/// <summary>
/// B3: seconds per Fashion-MNIST training epoch (60,000 images, the training loop only, as the peer's
/// train_fmnist_torch.py measures it) with the default `fovea train` model and batch 128, for 2 epochs, and the test
/// accuracy after each epoch (10,000 images). AdamW lr 1e−3, weight decay 0.01; data standardised with mean 0.2860 and
/// std 0.3530; no validation split, like the peer.
/// </summary>
internal sealed class FmnistBench : IBenchmark
{
    public string Name => "B3_fmnist";

    public string Description => "Fashion-MNIST epoch time and test accuracy, reference CNN, batch 128, 2 epochs";

    public void Run(BenchReport report)
    {
        var (train, test) = FashionMnist.Load(normalization: FashionMnist.Standardization);
        // The peer's model has no L2 penalty; FOVEA_SEED picks the seed (the peer reports seeds 0, 1 and 2).
        int seed = int.TryParse(Environment.GetEnvironmentVariable("FOVEA_SEED"), out int s) ? s : 0;
        // FOVEA_INIT=torch initialises the kernels as PyTorch does (the peer's init) instead of Keras's Glorot uniform.
        bool torchInit = Environment.GetEnvironmentVariable("FOVEA_INIT") == "torch";
        var model = ReferenceCnn.Create(classes: 10, seed: seed, inputShape: [1, 28, 28], l2: 0,
            kernelInitializer: torchInit ? Layers.Initializers.TorchDefault : null);
        model.Compile(new AdamW(1e-3, weightDecay: 0.01, epsilon: 1e-8), Losses.SparseCategoricalCrossentropy(),
            [Metrics.Accuracy]);
        var seconds = new List<double>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var history = model.Fit(train, epochs: epoch + 1, initialEpoch: epoch, batchSize: 128, verbose: 0);
            seconds.Add(model.LastEpochSeconds);
            var clock = Stopwatch.StartNew();
            double accuracy = model.Evaluate(test, batchSize: 1000).Accuracy;
            report.Emit(Name, "s/epoch", [model.LastEpochSeconds], 1, BenchReport.Threads, ("epoch", epoch + 1), ("batch", 128), ("seed", seed), ("init", torchInit ? "torch" : "glorot"),
                ("train_img_per_s", train.Count / model.LastEpochSeconds), ("mean_train_loss", history["loss"][^1]),
                ("test_acc", accuracy),
                ("eval_seconds", clock.Elapsed.TotalSeconds));
        }
    }
}
