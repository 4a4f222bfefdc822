using Fovea.Autograd;
using Fovea.Models.Zoo;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Bench;

/// <summary>
/// B2: the reference CNN on 3×32×32 inputs, batch 128, as the peers run it (../shared/peers/bench_cnn_torch.py):
/// synthetic N(0, 1) images and random labels; a training step is zero-grad + forward + cross-entropy + backward +
/// AdamW (lr 1e−3, weight decay 0.01); inference is eval mode without gradients. 3 warm-up steps, then 5 trials of
/// 20 steps. Also reports the managed bytes allocated per steady-state training step (all threads).
/// The peers' model has no L2 penalty on the dense layer, so neither has this one.
/// </summary>
internal sealed class CnnBench(bool train) : IBenchmark
{
    private const int Batch = 128;
    private const int Steps = 20;

    public string Name => train ? "B2_train" : "B2_infer";

    public string Description => train
        ? "reference CNN training step, 3x32x32, batch 128, AdamW (img/s, bytes/step)"
        : "reference CNN inference, 3x32x32, batch 128 (img/s)";

    public void Run(BenchReport report)
    {
        var model = ReferenceCnn.Create(classes: 10, seed: 0, inputShape: [3, 32, 32], l2: 0);
        var rng = new Rng(1);
        var x = Tensor.RandomNormal([Batch, 3, 32, 32], rng);
        var y = Tensor.Zeros([Batch]);
        for (int i = 0; i < Batch; i++)
            y[i] = rng.NextInt(10);
        model.Compile(new AdamW(1e-3, weightDecay: 0.01, epsilon: 1e-8), Losses.SparseCategoricalCrossentropy(), []);
        var trainer = new Trainer(model, (t, training) => model.Call(t, training), model.TrainableWeights,
            model.Regularized, model.Optimizer!, model.Loss!, []);

        Action step = train
            ? () =>
            {
                using var scope = TensorScope.Begin();
                trainer.TrainStep(x, y);
            }
            : () =>
            {
                using var scope = TensorScope.Begin();
                using var _ = GradMode.NoGrad();
                model.Call(x, training: false);
            };
        var (seconds, iterations) = BenchReport.Time(() =>
        {
            for (int s = 0; s < Steps; s++)
                step();
        }, trials: 5, secondsPerTrial: 0.1);
        var imagesPerSecond = seconds.Select(t => Steps * Batch / t).ToArray();
        var fields = new List<(string, object)> { ("batch", Batch), ("steps_per_trial", Steps), ("input", "3x32x32") };
        if (train)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int s = 0; s < Steps; s++)
                step();
            long perStep = (GC.GetTotalAllocatedBytes(precise: true) - before) / Steps;
            fields.Add(("managed_bytes_per_step", perStep));
        }
        report.Emit(Name, "img/s", imagesPerSecond, iterations * Steps, BenchReport.Threads, fields.ToArray());
    }
}
