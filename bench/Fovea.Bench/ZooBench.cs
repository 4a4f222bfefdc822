using System.Diagnostics;
using Fovea.Autograd;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Bench;

/// <summary>
/// A torchvision-structured classifier (random initialisation, 1000 classes) at 224×224×3, with the protocol of the
/// peers (../shared/peers/bench_resnet_torch.py and bench_zoo_torch.py). Inference without gradients: batch-1
/// latency (5 warm-up calls, then 5 trials of 20 calls; per trial the mean; ms, lower is better; and the fastest
/// single call) and batch-16 throughput (2 warm-up batches, 5 trials of 5 batches). Training: steps at batch 16
/// (AdamW lr 1e−3, cross-entropy on random labels; 3 warm-up steps, 5 trials of <c>steps</c> steps).
/// Records: <c>{prefix}_b1_latency</c>, <c>{prefix}_b16_throughput</c>, <c>{prefix}_train_b16</c>.
/// </summary>
/// <param name="name">The benchmark's name (B4_resnet18, zoo_resnet50, ...).</param>
/// <param name="prefix">The records' prefix (the peers': B4_resnet18 / B5_resnet18, zoo_NAME).</param>
/// <param name="model">Builds the model.</param>
/// <param name="train">Training steps instead of inference.</param>
/// <param name="steps">Training steps per trial.</param>
internal sealed class ZooBench(string name, string prefix, string label, Func<Model> model, bool train, int steps = 5)
    : IBenchmark
{
    public string Name => name;

    public string Description => train
        ? $"{label} training step, 224x224, batch 16, AdamW (img/s)"
        : $"{label} inference, 224x224: batch-1 latency (ms) and batch-16 throughput (img/s)";

    public void Run(BenchReport report)
    {
        var net = model();
        var rng = new Rng(1);
        if (train)
        {
            var x = Tensor.RandomNormal([16, 3, 224, 224], rng);
            var y = Tensor.Zeros([16]);
            for (int i = 0; i < 16; i++)
                y[i] = rng.NextInt(1000);
            net.Compile(new AdamW(1e-3, weightDecay: 0.01, epsilon: 1e-8),
                Losses.SparseCategoricalCrossentropy(fromLogits: true));
            var trainer = new Trainer(net, (t, training) => net.Call(t, training), net.TrainableWeights,
                net.Regularized, net.Optimizer!, net.Loss!, []);
            for (int i = 0; i < 3; i++)
                Step(() => trainer.TrainStep(x, y));
            var rates = new double[5];
            for (int t = 0; t < rates.Length; t++)
            {
                var clock = Stopwatch.StartNew();
                for (int s = 0; s < steps; s++)
                    Step(() => trainer.TrainStep(x, y));
                rates[t] = 16 * steps / clock.Elapsed.TotalSeconds;
            }
            report.Emit($"{prefix}_train_b16", "img/s", rates, steps, BenchReport.Threads, ("batch", 16));
            return;
        }
        var x1 = Tensor.RandomNormal([1, 3, 224, 224], rng);
        var x16 = Tensor.RandomNormal([16, 3, 224, 224], rng);
        for (int i = 0; i < 5; i++)
            Infer(net, x1);
        var latency = new double[5];
        double fastest = double.MaxValue;
        for (int t = 0; t < latency.Length; t++)
        {
            var trial = Stopwatch.StartNew();
            for (int c = 0; c < 20; c++)
            {
                var call = Stopwatch.StartNew();
                Infer(net, x1);
                fastest = Math.Min(fastest, call.Elapsed.TotalMilliseconds);
            }
            latency[t] = trial.Elapsed.TotalMilliseconds / 20;
        }
        report.EmitLowerIsBetter($"{prefix}_b1_latency", "ms", latency, 20, BenchReport.Threads,
            ("fastest_single_call_ms", fastest));
        for (int i = 0; i < 2; i++)
            Infer(net, x16);
        var throughput = new double[5];
        for (int t = 0; t < throughput.Length; t++)
        {
            var clock = Stopwatch.StartNew();
            for (int b = 0; b < 5; b++)
                Infer(net, x16);
            throughput[t] = 16 * 5 / clock.Elapsed.TotalSeconds;
        }
        report.Emit($"{prefix}_b16_throughput", "img/s", throughput, 5, BenchReport.Threads, ("batch", 16));
    }

    private static void Infer(Model model, Tensor x)
    {
        using var scope = TensorScope.Begin();
        using var _ = GradMode.NoGrad();
        model.Call(x, training: false);
    }

    private static void Step(Action step)
    {
        using var scope = TensorScope.Begin();
        step();
    }
}
