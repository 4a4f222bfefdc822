using Fovea.Data;
using Fovea.Data.Transforms;
using Fovea.Models.Zoo;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Bench;

/// <summary>
/// B4: does augmentation keep up with training? Fashion-MNIST, batch 128, rotation ±10°, shift ±10%, horizontal
/// flip. Reports (1) milliseconds to prepare one augmented batch on the calling thread, (2) per training step of the
/// reference CNN (`fovea train`'s model, AdamW): the whole step including the loader, the time the step waited for
/// its batch, and the loader's own preparation time, without prefetching and with two batches prefetched. The second
/// epoch of each run is measured (the first warms up the pool and the JIT).
/// </summary>
internal sealed class AugmentBench : IBenchmark
{
    private const int Batches = 20, BatchSize = 128;

    public string Name => "D1_augment_loader";

    public string Description => "Fashion-MNIST augmentation (rotate+shift+flip) loader time vs reference CNN step";

    public void Run(BenchReport report)
    {
        var (train, _) = FashionMnist.Load(normalization: FashionMnist.Standardization);
        var data = train.Take(Batches * BatchSize);
        var augment = new Compose(new RandomRotation(10), new RandomShift(0.1, 0.1), new RandomFlip());

        var alone = new DataLoader(data, BatchSize, seed: 0, transform: augment);
        double[] prepare = new double[5];
        for (int t = -1; t < prepare.Length; t++)
        {
            RunEpoch(alone);
            if (t >= 0)
                prepare[t] = alone.WaitSeconds / Batches * 1000;
        }
        report.Emit(Name, "ms/batch", prepare, Batches, 1, ("phase", "prepare_only"), ("batch", BatchSize));

        foreach (int prefetch in (int[])[0, 2])
        {
            var model = ReferenceCnn.Create(classes: 10, seed: 0, inputShape: [1, 28, 28]);
            model.Compile(new AdamW(1e-3, weightDecay: 0.01), Losses.SparseCategoricalCrossentropy(),
                [Metrics.Accuracy]);
            var loader = new DataLoader(data, BatchSize, seed: 0, transform: augment, prefetch: prefetch);
            model.Fit(loader, epochs: 2, verbose: 0);
            double step = model.LastEpochSeconds / Batches * 1000;
            report.Emit(Name, "ms/step", [step], Batches, BenchReport.Threads, ("phase", "train"),
                ("prefetch", prefetch), ("batch", BatchSize), ("wait_ms", loader.WaitSeconds / Batches * 1000),
                ("prepare_ms", loader.PrepareSeconds / Batches * 1000));
        }
    }

    private static void RunEpoch(DataLoader loader)
    {
        using var batches = loader.GetEnumerator();
        while (true)
        {
            using var scope = TensorScope.Begin();
            if (!batches.MoveNext())
                break;
        }
    }
}
