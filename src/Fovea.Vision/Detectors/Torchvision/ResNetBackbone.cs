using Fovea.Tensors;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// The body of torchvision's <c>resnet50</c> as the detection models use it (<c>backbone.body.*</c>: <c>conv1</c>,
/// <c>bn1</c>, max pooling, <c>layer1</c>..<c>layer4</c> of bottleneck blocks with the stride on the 3×3 convolution
/// and a 1×1 <c>downsample</c> where the shape changes), BatchNorm (ε 1e-5 by default) evaluated with its running
/// statistics
/// (<c>BatchNorm2d</c> in eval mode or <c>FrozenBatchNorm2d</c>). Works on any input size.
/// </summary>
internal sealed class ResNetBackbone
{
    private readonly Func<Tensor, Tensor> _stem;
    private readonly List<Func<Tensor, Tensor>> _layers = [];

    /// <param name="w">Where the weights are registered.</param>
    /// <param name="prefix">State-dict prefix, e.g. "backbone.body.".</param>
    /// <param name="blocks">Bottleneck blocks per stage ([3, 4, 6, 3] for ResNet-50).</param>
    /// <param name="eps">BatchNorm ε.</param>
    public ResNetBackbone(TorchParameters w, string prefix, int[] blocks, float eps = 1e-5f)
    {
        var conv1 = w.Weight(prefix + "conv1.weight", 64, 3, 7, 7);
        var bn1 = w.BatchNorm(prefix + "bn1", 64, eps);
        _stem = x => MaxPool2D(Relu(bn1.Apply(Conv2D(x, conv1, null, 2, (3, 3, 3, 3), 1, 1))), 3, 2,
            Padding.Explicit(1));
        int inChannels = 64;
        for (int stage = 0; stage < blocks.Length; stage++)
        {
            int planes = 64 << stage;
            var stageBlocks = new List<Func<Tensor, Tensor>>();
            for (int b = 0; b < blocks[stage]; b++)
            {
                int stride = b == 0 && stage > 0 ? 2 : 1;
                stageBlocks.Add(Bottleneck(w, $"{prefix}layer{stage + 1}.{b}", inChannels, planes, stride, eps));
                inChannels = planes * 4;
            }
            _layers.Add(x => stageBlocks.Aggregate(x, (y, f) => f(y)));
        }
    }

    /// <summary>Channels out of stage <paramref name="stage"/> (1–4).</summary>
    public static int Channels(int stage) => 256 << (stage - 1);

    /// <summary>The outputs of the requested stages (1–4, increasing) for x [N, 3, H, W].</summary>
    public Tensor[] Call(Tensor x, IReadOnlyList<int> stages)
    {
        var results = new List<Tensor>();
        x = _stem(x);
        for (int s = 1; s <= stages[^1]; s++)
        {
            x = _layers[s - 1](x);
            if (stages.Contains(s))
                results.Add(x);
        }
        return [.. results];
    }

    private static Func<Tensor, Tensor> Bottleneck(TorchParameters w, string prefix, int inChannels, int planes,
        int stride, float eps)
    {
        int outChannels = planes * 4;
        var c1 = w.Weight(prefix + ".conv1.weight", planes, inChannels, 1, 1);
        var b1 = w.BatchNorm(prefix + ".bn1", planes, eps);
        var c2 = w.Weight(prefix + ".conv2.weight", planes, planes, 3, 3);
        var b2 = w.BatchNorm(prefix + ".bn2", planes, eps);
        var c3 = w.Weight(prefix + ".conv3.weight", outChannels, planes, 1, 1);
        var b3 = w.BatchNorm(prefix + ".bn3", outChannels, eps);
        Func<Tensor, Tensor>? downsample = null;
        if (stride != 1 || inChannels != outChannels)
        {
            var dc = w.Weight(prefix + ".downsample.0.weight", outChannels, inChannels, 1, 1);
            var db = w.BatchNorm(prefix + ".downsample.1", outChannels, eps);
            downsample = x => db.Apply(Conv2D(x, dc, null, stride, (0, 0, 0, 0), 1, 1));
        }
        return x =>
        {
            var y = Relu(b1.Apply(Conv2D(x, c1)));
            y = Relu(b2.Apply(Conv2D(y, c2, null, stride, (1, 1, 1, 1), 1, 1)));
            y = b3.Apply(Conv2D(y, c3));
            return Relu(Add(y, downsample is null ? x : downsample(x)));
        };
    }
}
