using Fovea.Tensors;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// The <c>features</c> of torchvision's <c>mobilenet_v3_large</c> (stem, 15 inverted residual blocks, last 1×1
/// convolution to 960 channels) as the detection models build it: the BatchNorm is the one the detector passes
/// (<c>nn.BatchNorm2d</c>, or <c>FrozenBatchNorm2d</c> with pretrained weights: ε = 1e-5 in both cases; SSDLite passes
/// ε = 1e-3), evaluated with its running statistics. Weight names are torchvision's under a prefix
/// (<c>backbone.body.</c> in Faster R-CNN, <c>backbone.features.0.</c> in SSDLite): <c>{i}.0.weight</c>,
/// <c>{i}.1.running_var</c>, <c>{i}.block.{k}.0.weight</c>, <c>{i}.block.{k}.fc1.weight</c>, ...
/// Works on any input size (the zoo's <c>MobileNetV3.Large</c> model is bound to one input shape).
/// </summary>
internal sealed class MobileNetV3Backbone
{
    private readonly record struct BlockConfig(int In, int Kernel, int Expanded, int Out, bool Se, bool HardSwish,
        int Stride);

    private static readonly BlockConfig[] s_large =
    [
        new(16, 3, 16, 16, false, false, 1), new(16, 3, 64, 24, false, false, 2), new(24, 3, 72, 24, false, false, 1),
        new(24, 5, 72, 40, true, false, 2), new(40, 5, 120, 40, true, false, 1), new(40, 5, 120, 40, true, false, 1),
        new(40, 3, 240, 80, false, true, 2), new(80, 3, 200, 80, false, true, 1), new(80, 3, 184, 80, false, true, 1),
        new(80, 3, 184, 80, false, true, 1), new(80, 3, 480, 112, true, true, 1), new(112, 3, 672, 112, true, true, 1),
        new(112, 5, 672, 160, true, true, 2), new(160, 5, 960, 160, true, true, 1),
        new(160, 5, 960, 160, true, true, 1),
    ];

    private readonly List<(Func<Tensor, Tensor> Step, string Tap)> _steps = [];
    private readonly BlockConfig[] _blocks;

    /// <param name="weights">Where the weights are registered.</param>
    /// <param name="prefixOf">The state-dict prefix of feature module i (k null) or of part k of block i
    /// (torchvision's <c>features.{i}</c> and <c>features.{i}.block.{k}</c>, renamed by the detector).</param>
    /// <param name="epsilon">BatchNorm ε.</param>
    /// <param name="reducedTail">torchvision's <c>reduced_tail</c>: the last stage has half the channels (SSDLite
    /// without a pretrained backbone).</param>
    public MobileNetV3Backbone(TorchParameters weights, Func<int, int?, string> prefixOf, float epsilon,
        bool reducedTail = false)
    {
        _blocks = reducedTail ? ReducedTail() : s_large;
        AddStep(ConvNormActivation(weights, prefixOf(0, null), 3, 16, 3, 2, 1, Act.HardSwish, epsilon), "0");
        for (int i = 0; i < _blocks.Length; i++)
            Block(weights, i + 1, prefixOf, _blocks[i], epsilon);
        int last = _blocks.Length + 1;
        AddStep(ConvNormActivation(weights, prefixOf(last, null), _blocks[^1].Out, 6 * _blocks[^1].Out, 1, 1, 1,
            Act.HardSwish, epsilon), $"{last}");
    }

    /// <summary>Number of feature modules (17: stem, 15 blocks, last convolution).</summary>
    public int Count => _blocks.Length + 2;

    /// <summary>Channels out of feature module <paramref name="index"/>.</summary>
    public int Channels(int index) =>
        index == 0 ? 16 : index <= _blocks.Length ? _blocks[index - 1].Out : 6 * _blocks[^1].Out;

    /// <summary>Channels of the expansion of block <paramref name="index"/>.</summary>
    public int ExpandedChannels(int index) => _blocks[index - 1].Expanded;

    /// <summary>Indices of the blocks that downsample (torchvision's <c>_is_cn</c>).</summary>
    public static IEnumerable<int> StridedBlocks() =>
        Enumerable.Range(0, s_large.Length).Where(i => s_large[i].Stride > 1).Select(i => i + 1);

    /// <summary>Runs x [N, 3, H, W] through the features up to the last requested tap and returns the tapped
    /// outputs in the order given. Taps: "i" is the output of feature module i; "i.k" the output of part k of the
    /// (non-residual) block i.</summary>
    public Tensor[] Call(Tensor x, IReadOnlyList<string> taps)
    {
        var results = new Tensor?[taps.Count];
        int remaining = taps.Count;
        foreach (var (step, tap) in _steps)
        {
            x = step(x);
            for (int j = 0; j < taps.Count; j++)
            {
                if (taps[j] == tap)
                {
                    results[j] = x;
                    remaining--;
                }
            }
            if (remaining == 0)
                break;
        }
        return results.Select((r, j) => r ?? throw new FoveaException(
            $"MobileNetV3Backbone: no output '{taps[j]}'")).ToArray();
    }

    private static BlockConfig[] ReducedTail()
    {
        var b = (BlockConfig[])s_large.Clone();
        b[^3] = b[^3] with { Out = b[^3].Out / 2 };
        b[^2] = new(b[^3].Out, 5, b[^2].Expanded / 2, b[^2].Out / 2, true, true, 1);
        b[^1] = new(b[^2].Out, 5, b[^1].Expanded / 2, b[^1].Out / 2, true, true, 1);
        return b;
    }

    private void AddStep(Func<Tensor, Tensor> step, string tap) => _steps.Add((step, tap));

    internal enum Act { None, Relu, Relu6, HardSwish }

    /// <summary>torchvision's Conv2dNormActivation: k×k convolution without bias (padding (k − 1)/2), BatchNorm,
    /// activation.</summary>
    internal static Func<Tensor, Tensor> ConvNormActivation(TorchParameters w, string prefix, int inChannels,
        int outChannels, int kernel, int stride, int groups, Act act, float epsilon)
    {
        var kernelWeight = w.Weight(prefix + ".0.weight", outChannels, inChannels / groups, kernel, kernel);
        var bn = w.BatchNorm(prefix + ".1", outChannels, epsilon);
        int pad = (kernel - 1) / 2;
        return x =>
        {
            var y = bn.Apply(Conv2D(x, kernelWeight, null, stride, (pad, pad, pad, pad), 1, groups));
            return act switch
            {
                Act.Relu => Relu(y), Act.Relu6 => Clip(y, 0f, 6f), Act.HardSwish => HardSwish(y), _ => y,
            };
        };
    }

    /// <summary>An inverted residual block: a residual one as one step, another as one step per part (so that
    /// SSDLite can tap the expansion).</summary>
    private void Block(TorchParameters w, int index, Func<int, int?, string> prefixOf, BlockConfig b, float epsilon)
    {
        var act = b.HardSwish ? Act.HardSwish : Act.Relu;
        var steps = new List<Func<Tensor, Tensor>>();
        int k = 0;
        if (b.Expanded != b.In)
            steps.Add(ConvNormActivation(w, prefixOf(index, k++), b.In, b.Expanded, 1, 1, 1, act, epsilon));
        steps.Add(ConvNormActivation(w, prefixOf(index, k++), b.Expanded, b.Expanded, b.Kernel, b.Stride,
            b.Expanded, act, epsilon));
        if (b.Se)
        {
            string se = prefixOf(index, k++);
            int squeeze = MakeDivisible(b.Expanded / 4);
            var w1 = w.Weight(se + ".fc1.weight", squeeze, b.Expanded, 1, 1);
            var b1 = w.Bias(se + ".fc1.bias", squeeze);
            var w2 = w.Weight(se + ".fc2.weight", b.Expanded, squeeze, 1, 1);
            var b2 = w.Bias(se + ".fc2.bias", b.Expanded);
            steps.Add(x =>
            {
                var s = Mean(x, [2, 3], keepDims: true);
                s = HardSigmoid(Conv2D(Relu(Conv2D(s, w1, b1)), w2, b2));
                return Multiply(x, s);
            });
        }
        steps.Add(ConvNormActivation(w, prefixOf(index, k), b.Expanded, b.Out, 1, 1, 1, Act.None, epsilon));
        if (b.Stride == 1 && b.In == b.Out)
        {
            AddStep(x =>
            {
                var y = x;
                foreach (var step in steps)
                    y = step(y);
                return Add(y, x);
            }, $"{index}");
            return;
        }
        for (int j = 0; j < steps.Count; j++)
            AddStep(steps[j], j == steps.Count - 1 ? $"{index}" : $"{index}.{j}");
    }

    /// <summary>torchvision's <c>_make_divisible(v, 8)</c>.</summary>
    private static int MakeDivisible(double value, int divisor = 8)
    {
        int rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }
}
