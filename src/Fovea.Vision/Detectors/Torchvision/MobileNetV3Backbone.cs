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
        new(112, 5, 672, 160, true, true, 2), new(160, 5, 960, 160, true, true, 1), new(160, 5, 960, 160, true, true, 1),
    ];

    private readonly List<Func<Tensor, Tensor>> _features = [];

    public MobileNetV3Backbone(TorchParameters weights, string prefix, float epsilon)
    {
        _features.Add(ConvNormActivation(weights, $"{prefix}0", 3, 16, 3, 2, 1, Act.HardSwish, epsilon));
        for (int i = 0; i < s_large.Length; i++)
            _features.Add(Block(weights, $"{prefix}{i + 1}", s_large[i], epsilon));
        _features.Add(ConvNormActivation(weights, $"{prefix}{s_large.Length + 1}", 160, 960, 1, 1, 1, Act.HardSwish,
            epsilon));
    }

    /// <summary>Number of feature modules (17: stem, 15 blocks, last convolution).</summary>
    public int Count => _features.Count;

    /// <summary>Channels out of feature module <paramref name="index"/>.</summary>
    public static int Channels(int index) => index == 0 ? 16 : index <= s_large.Length ? s_large[index - 1].Out : 960;

    /// <summary>Indices of the blocks that downsample (torchvision's <c>_is_cn</c>).</summary>
    public static IEnumerable<int> StridedBlocks() =>
        Enumerable.Range(0, s_large.Length).Where(i => s_large[i].Stride > 1).Select(i => i + 1);

    /// <summary>Runs features 0..max(<paramref name="outputs"/>) on x [N, 3, H, W] and returns the outputs of the
    /// requested modules, in the order given.</summary>
    public Tensor[] Call(Tensor x, IReadOnlyList<int> outputs)
    {
        var results = new Tensor[outputs.Count];
        int last = outputs.Max();
        for (int i = 0; i <= last; i++)
        {
            x = _features[i](x);
            for (int j = 0; j < outputs.Count; j++)
            {
                if (outputs[j] == i)
                    results[j] = x;
            }
        }
        return results;
    }

    internal enum Act { None, Relu, HardSwish }

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
            return act switch { Act.Relu => Relu(y), Act.HardSwish => HardSwish(y), _ => y };
        };
    }

    private static Func<Tensor, Tensor> Block(TorchParameters w, string prefix, BlockConfig b, float epsilon)
    {
        var act = b.HardSwish ? Act.HardSwish : Act.Relu;
        var steps = new List<Func<Tensor, Tensor>>();
        int k = 0;
        if (b.Expanded != b.In)
            steps.Add(ConvNormActivation(w, $"{prefix}.block.{k++}", b.In, b.Expanded, 1, 1, 1, act, epsilon));
        steps.Add(ConvNormActivation(w, $"{prefix}.block.{k++}", b.Expanded, b.Expanded, b.Kernel, b.Stride,
            b.Expanded, act, epsilon));
        if (b.Se)
        {
            string se = $"{prefix}.block.{k++}";
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
        steps.Add(ConvNormActivation(w, $"{prefix}.block.{k}", b.Expanded, b.Out, 1, 1, 1, Act.None, epsilon));
        bool residual = b.Stride == 1 && b.In == b.Out;
        return x =>
        {
            var y = x;
            foreach (var step in steps)
                y = step(y);
            return residual ? Add(y, x) : y;
        };
    }

    /// <summary>torchvision's <c>_make_divisible(v, 8)</c>.</summary>
    private static int MakeDivisible(double value, int divisor = 8)
    {
        int rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }
}
