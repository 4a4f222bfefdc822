using System.Diagnostics;
using Fovea.Autograd;
using Fovea.Models.Zoo;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Bench;

/// <summary>
/// B4/B5: ResNet-18 (torchvision structure, random initialisation, 1000 classes) at 224×224×3, as the peers run it
/// (../shared/peers/bench_resnet_torch.py). B4: inference without gradients — batch-1 latency (5 warm-up calls, then
/// 5 trials of 20 calls; per trial the mean; ms, lower is better) and batch-16 throughput (2 warm-up batches, 5 trials
/// of 5 batches). B5: training steps at batch 16 (AdamW lr 1e−3, cross-entropy on random labels; 3 warm-up steps,
/// 5 trials of 5 steps).
/// </summary>
internal sealed class ResNetBench(bool train) : IBenchmark
{
    public string Name => train ? "B5_resnet18_train" : "B4_resnet18";

    public string Description => train
        ? "ResNet-18 training step, 224x224, batch 16, AdamW (img/s)"
        : "ResNet-18 inference, 224x224: batch-1 latency (ms) and batch-16 throughput (img/s)";

    public void Run(BenchReport report)
    {
        var model = ResNet.ResNet18();
        var rng = new Rng(1);
        if (train)
        {
            var x = Tensor.RandomNormal([16, 3, 224, 224], rng);
            var y = Tensor.Zeros([16]);
            for (int i = 0; i < 16; i++)
                y[i] = rng.NextInt(1000);
            model.Compile(new AdamW(1e-3, weightDecay: 0.01, epsilon: 1e-8),
                Losses.SparseCategoricalCrossentropy(fromLogits: true));
            var trainer = new Trainer(model, (t, training) => model.Call(t, training), model.TrainableWeights, model.Regularized,
                model.Optimizer!, model.Loss!, []);
            for (int i = 0; i < 3; i++)
                Step(() => trainer.TrainStep(x, y));
            var rates = new double[5];
            for (int t = 0; t < rates.Length; t++)
            {
                var clock = Stopwatch.StartNew();
                for (int s = 0; s < 5; s++)
                    Step(() => trainer.TrainStep(x, y));
                rates[t] = 16 * 5 / clock.Elapsed.TotalSeconds;
            }
            report.Emit("B5_resnet18_train", "img/s", rates, 5, BenchReport.Threads, ("batch", 16));
            return;
        }
        var x1 = Tensor.RandomNormal([1, 3, 224, 224], rng);
        var x16 = Tensor.RandomNormal([16, 3, 224, 224], rng);
        for (int i = 0; i < 5; i++)
            Infer(model, x1);
        var latency = new double[5];
        double fastest = double.MaxValue;
        for (int t = 0; t < latency.Length; t++)
        {
            var trial = Stopwatch.StartNew();
            for (int c = 0; c < 20; c++)
            {
                var call = Stopwatch.StartNew();
                Infer(model, x1);
                fastest = Math.Min(fastest, call.Elapsed.TotalMilliseconds);
            }
            latency[t] = trial.Elapsed.TotalMilliseconds / 20;
        }
        report.EmitLowerIsBetter("B4_resnet18_b1_latency", "ms", latency, 20, BenchReport.Threads,
            ("fastest_single_call_ms", fastest));
        for (int i = 0; i < 2; i++)
            Infer(model, x16);
        var throughput = new double[5];
        for (int t = 0; t < throughput.Length; t++)
        {
            var clock = Stopwatch.StartNew();
            for (int b = 0; b < 5; b++)
                Infer(model, x16);
            throughput[t] = 16 * 5 / clock.Elapsed.TotalSeconds;
        }
        report.Emit("B4_resnet18_b16_throughput", "img/s", throughput, 5, BenchReport.Threads, ("batch", 16));
    }

    private static void Infer(Models.Model model, Tensor x)
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
