using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Models.Zoo;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// Inference fusion (<see cref="Fovea.Models.Passes.FusionPass"/>): a convolution with the BatchNormalization and activation after
/// it, run as one op (the normalisation an affine map in the convolution's epilogue), must give the outputs of the
/// layers run apart (<c>FuseBatchNorm = false</c>). Tolerance: the fused map rounds conv·s + ((b − μ)·s + β) with
/// one FMA, where the separate layers round conv + b, then (· − μ)·s + β: a few float ulps of the largest intermediate,
/// so 1e−5 of the output's largest magnitude (1e−4 through the 20 layers of ResNet-18, where such differences
/// compound).
/// </summary>
public class InferenceFusionTests
{
    public static TheoryData<string> Activations => new() { "relu", "leaky_relu", "swish", "sigmoid", "tanh",
        "gelu", "hard_swish", "elu" }; // the last three have no conv epilogue: they run after the fused part

    [Theory]
    [MemberData(nameof(Activations))]
    public void Predict_ConvBatchNormActivation_MatchesSeparateLayers(string activation)
    {
        Sequential Make(bool fuse) => WithStatistics(new Sequential(
            [new Conv2D(8, 3, padding: Padding.Same), new BatchNormalization(),
             new Activation(Fovea.Layers.Activations.FromName(activation, 0.1f)),
             new DepthwiseConv2D(3, strides: 2, padding: Padding.Same, useBias: false), new BatchNormalization(),
             new ReLU(), new Conv2D(6, 1, activation: Fovea.Layers.Activations.FromName(activation, 0.1f)),
             new Conv2D(4, 3), new LeakyReLU(0.2f), new Flatten(), new Dense(3)],
            seed: 5, inputShape: [3, 12, 12]) { FuseBatchNorm = fuse });
        var x = Tensor.RandomNormal([5, 3, 12, 12], new Rng(1));
        var fused = Make(true).Predict(x).ToArray();
        var plain = Make(false).Predict(x).ToArray();
        TensorAssert.Close(plain, fused, 1e-5 * plain.Max(Math.Abs), 0, activation);
    }

    [Fact]
    public void FusionPass_ReplacesEachChainWithOneNode()
    {
        var model = new Sequential(
            [new Conv2D(4, 3), new BatchNormalization(), new ReLU(),
             new Conv2D(4, 3, activation: Fovea.Layers.Activations.Relu),
             new Conv2D(4, 1), new Activation(Fovea.Layers.Activations.Softmax), new Conv2D(4, 1),
             new Conv2D(4, 1, activation: Fovea.Layers.Activations.Softmax), new BatchNormalization(),
             new LeakyReLU(0.1f)],
            seed: 1, inputShape: [2, 9, 9]);
        var plan = model.CurrentPlan().Nodes;
        // conv-BN-ReLU; conv with its own ReLU; conv alone (softmax does not fuse); softmax; conv alone; conv with its
        // own softmax (not fusable: left as it is); BN-LeakyReLU.
        Assert.Equal(["FusedConvolution", "FusedConvolution", "FusedConvolution", "Activation", "FusedConvolution",
            "Conv2D", "FusedBatchNormActivation"], plan.Select(n => n.Layer.TypeName));
        Assert.Same(model.Nodes[2].Output, plan[0].Output);
        Assert.Same(model.Nodes[0].Inputs[0], plan[0].Inputs[0]);
        Assert.Equal(10, model.Nodes.Count);
        model.FuseBatchNorm = false;
        Assert.Equal(model.Nodes, model.CurrentPlan().Nodes);
    }

    [Fact]
    public void FusionPass_BranchingOutput_IsNotFused()
    {
        var input = Input.Create([2, 8, 8]);
        var conv = new Conv2D(4, 3, padding: Padding.Same).Call(input);
        var bn = new BatchNormalization().Call(conv);
        var model = new Model(input, new Concatenate().Call([new ReLU().Call(bn), conv]));
        // The convolution's output feeds both the normalisation and the concatenation: only BN-ReLU fuses.
        Assert.Equal(["FusedConvolution", "FusedBatchNormActivation", "Concatenate"],
            model.CurrentPlan().Nodes.Select(n => n.Layer.TypeName));
    }

    [Fact]
    public void Predict_ResNet18_MatchesUnfused()
    {
        var x = Tensor.RandomNormal([2, 3, 64, 64], new Rng(3));
        float[] Run(bool fuse)
        {
            var m = WithStatistics(ResNet.ResNet18(classes: 5, inputShape: [3, 64, 64], seed: 2));
            m.FuseBatchNorm = fuse;
            return m.Predict(x).ToArray();
        }
        var plain = Run(false);
        TensorAssert.Close(plain, Run(true), 1e-4 * plain.Max(Math.Abs), 0, "logits");
    }

    [Fact]
    public void TrainStep_FrozenBaseInsideFunctionalModel_MatchesUnfused()
    {
        // The practitioner's transfer-learning set-up: a frozen base called in inference mode, a trainable head. The
        // base runs fused (nothing in it needs a gradient); the head's gradients and updates must not change.
        float[] Run(bool fuse)
        {
            using var seeded = Layer.Seeded(9);   // the head is built on the symbolic call: same weights both runs
            var baseModel = WithStatistics(new Sequential(
                [new Conv2D(8, 3, padding: Padding.Same), new BatchNormalization(), new ReLU(),
                 new Conv2D(8, 3, strides: 2), new BatchNormalization(),
                 new Activation(Fovea.Layers.Activations.Swish)],
                seed: 7, inputShape: [3, 16, 16]));
            baseModel.Trainable = false;
            baseModel.FuseBatchNorm = fuse;
            var input = Input.Create([3, 16, 16]);
            var h = baseModel.Call(input, training: false);
            h = new GlobalAveragePooling2D().Call(h);
            var model = new Model(input, new Dense(4, Fovea.Layers.Activations.Softmax).Call(h), seed: 1)
            {
                FuseBatchNorm = fuse,
            };
            model.Compile(new Sgd(0.1), Losses.SparseCategoricalCrossentropy());
            var x = Tensor.RandomNormal([8, 3, 16, 16], new Rng(4));
            var y = Tensor.FromArray([0, 1, 2, 3, 0, 1, 2, 3], [8]);
            model.Fit(x, y, epochs: 2, batchSize: 4, shuffle: false, verbose: 0);
            return model.Predict(x).ToArray();
        }
        var plain = Run(false);
        TensorAssert.Close(plain, Run(true), 1e-5, 1e-5, "predictions after training the head");
    }

    [Fact]
    public void Predict_AfterTheKernelChanges_UsesTheNewKernel()
    {
        // 16 channels at 16×16, batch 1: 16 Winograd tiles, so inference runs Winograd from the layer's cached
        // transformed kernel. Every way the kernel can change must reach the next prediction.
        var g = new Fovea.Kernels.ConvGeometry(1, 16, 16, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
            Assert.Equal(Fovea.Kernels.ConvAlgorithm.Winograd, Fovea.Kernels.Conv2DKernels.ForwardAlgorithmTransformed(g));
        var model = new Sequential([new Conv2D(16, 3, padding: Padding.Same), new BatchNormalization(), new ReLU(),
            new Flatten(), new Dense(3)], seed: 3, inputShape: [16, 16, 16]);
        model.Compile(new Sgd(0.5), Losses.SparseCategoricalCrossentropy(fromLogits: true));
        var conv = (Conv2D)model.Layers[0];
        var x = Tensor.RandomNormal([1, 16, 16, 16], new Rng(5));
        void Check(string when)
        {
            model.FuseBatchNorm = false;
            var plain = model.Predict(x).ToArray();
            model.FuseBatchNorm = true;
            var fused = model.Predict(x).ToArray();
            TensorAssert.Close(plain, fused, 1e-5 * plain.Max(Math.Abs), 0, when);
        }
        Check("first prediction");
        var before = model.Predict(x).ToArray();
        conv.Kernel.Assign(Tensor.RandomNormal(conv.Kernel.Shape, new Rng(6)).ToArray());
        Check("after Assign");
        Assert.NotEqual(before, model.Predict(x).ToArray());
        conv.Kernel.AsSpan()[7] += 3f;
        Check("after a write through AsSpan");
        conv.Kernel[2, 3, 1, 1] = -4f;
        Check("after a write through the indexer");
        before = model.Predict(x).ToArray();
        model.Fit(x, Tensor.FromArray([2f], [1]), epochs: 1, batchSize: 1, verbose: 0);
        Assert.NotEqual(before, model.Predict(x).ToArray());
        Check("after a training step");
    }

    /// <summary>Gives every BatchNormalization non-trivial γ, β and moving statistics (fresh ones are the
    /// identity).</summary>
    private static T WithStatistics<T>(T model)
        where T : Model
    {
        var rng = new Rng(42);
        foreach (var bn in AllLayers(model).OfType<BatchNormalization>())
        {
            int c = bn.Gamma.Length;
            bn.Gamma.Assign(Enumerable.Range(0, c).Select(_ => 0.5f + rng.NextFloat()).ToArray());
            bn.Beta.Assign(Enumerable.Range(0, c).Select(_ => rng.NextFloat() - 0.5f).ToArray());
            bn.MovingMean.Assign(Enumerable.Range(0, c).Select(_ => 0.4f * (rng.NextFloat() - 0.5f)).ToArray());
            bn.MovingVariance.Assign(Enumerable.Range(0, c).Select(_ => 0.3f + rng.NextFloat()).ToArray());
        }
        return model;
    }

    private static IEnumerable<Layer> AllLayers(Model model) =>
        model.Layers.SelectMany(l => l is Model inner ? AllLayers(inner) : [l]);
}
