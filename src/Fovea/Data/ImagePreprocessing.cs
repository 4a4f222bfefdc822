using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// The input scaling a pretrained network expects (Keras <c>preprocess_input</c>), applied to images held in
/// [0, 1] (as <see cref="FashionMnist"/>, <see cref="ImageFolder"/> and the other loaders give them): resize to the
/// network's height × width (bilinear), repeat a single gray channel to the network's channel count, optionally
/// reverse the channel order (RGB → BGR), then effectively compute
/// <c>out[c] = (x[c] · Scale − Mean[c]) / Std[c]</c> with c counted in the network's channel order.
/// </summary>
/// <example><code>
/// // The CNTK ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18 wants BGR pixels in 0..255 minus a mean.
/// var train64 = ImagePreprocessing.CntkResNet.Apply(train, [3, 64, 64]);
/// </code></example>
public sealed class ImagePreprocessing
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>A preprocessing; one mean and std value stands for every channel.</summary>
    /// <param name="scale">Factor applied to the [0, 1] pixels first (255 for networks trained on 0..255).</param>
    /// <param name="mean">Subtracted after scaling, per network channel (or one value for all).</param>
    /// <param name="std">Divided by last, per network channel (or one value for all).</param>
    /// <param name="reverseChannels">Feed the colour channels in reverse order (RGB images to a BGR network).</param>
    /// <exception cref="ArgumentException">The lists are empty or differ in length, or a value is not finite or a
    /// std is not positive.</exception>
    public ImagePreprocessing(float scale, IReadOnlyList<float> mean, IReadOnlyList<float> std,
        bool reverseChannels = false)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (!float.IsFinite(scale) || scale == 0)
            throw new ArgumentException($"expected a finite non-zero scale, received {scale}", nameof(scale));
        if (mean.Count == 0 || mean.Count != std.Count)
            throw new ArgumentException($"expected as many means as stds (at least one), received {mean.Count} and " +
                $"{std.Count}");
        if (mean.Any(m => !float.IsFinite(m)) || std.Any(s => !(s > 0) || !float.IsFinite(s)))
            throw new ArgumentException($"expected finite means and positive stds, received mean " +
                $"[{string.Join(", ", mean)}], std [{string.Join(", ", std)}]");
        Scale = scale;
        _mean = [.. mean];
        _std = [.. std];
        ReverseChannels = reverseChannels;
    }

    /// <summary>No change of values (images stay in [0, 1]); only resizing and channel repetition.</summary>
    public static ImagePreprocessing None { get; } = new(1, [0f], [1f]);

    /// <summary>
    /// The preprocessing of the CNTK ResNet-18 in NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>, read from
    /// its <c>ResNetPreprocess.onnx</c> (Split RGB, Concat as BGR, Sub a 3×224×224 mean image): BGR, pixels in
    /// 0..255, minus the per-channel averages of that mean image (B 103.0626, G 115.9029, R 123.1516; the image
    /// varies little across positions, std 3 to 6, so its average serves any input size).
    /// </summary>
    public static ImagePreprocessing CntkResNet { get; } =
        new(255, [103.0626f, 115.9029f, 123.1516f], [1f, 1f, 1f], reverseChannels: true);

    /// <summary>Keras' "caffe" mode (ResNet50, VGG): BGR, 0..255, minus the ImageNet means 103.939, 116.779,
    /// 123.68.</summary>
    public static ImagePreprocessing Caffe { get; } =
        new(255, [103.939f, 116.779f, 123.68f], [1f, 1f, 1f], reverseChannels: true);

    /// <summary>Keras' "torch" mode and torchvision's ImageNet weights: RGB in [0, 1], mean 0.485, 0.456, 0.406,
    /// std 0.229, 0.224, 0.225.</summary>
    public static ImagePreprocessing Torch { get; } =
        new(1, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Factor applied to the [0, 1] pixels before the mean is subtracted.</summary>
    public float Scale { get; }

    /// <summary>Subtracted per network channel after scaling (one value: every channel).</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>Divided by per network channel last (one value: every channel).</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>Whether the colour channels are fed in reverse order (RGB images, BGR network).</summary>
    public bool ReverseChannels { get; }

    /// <summary>
    /// The dataset's images [N, C, H, W] in [0, 1] made ready for a network taking samples of
    /// <paramref name="sampleShape"/> [C', H', W']; labels and class names are kept.
    /// </summary>
    /// <exception cref="FoveaException">The images are not [N, C, H, W], or C is neither 1 nor C'.</exception>
    public Dataset Apply(Dataset data, Shape sampleShape)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new Dataset(Apply(data.Features, sampleShape), data.Labels, data.ClassNames);
    }

    /// <summary>Images [N, C, H, W] in [0, 1] → a new tensor [N, C', H', W'] for samples of
    /// <paramref name="sampleShape"/> [C', H', W'].</summary>
    /// <exception cref="FoveaException">The images are not [N, C, H, W], or C is neither 1 nor C'.</exception>
    public Tensor Apply(Tensor images, Shape sampleShape)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (sampleShape.Rank != 3 || sampleShape.Length == 0)
            throw new FoveaException($"ImagePreprocessing: expected a sample shape [C, H, W], received {sampleShape}");
        int outC = sampleShape[0], outH = sampleShape[1], outW = sampleShape[2];
        if (images.Rank != 4 || images.Shape[1] != 1 && images.Shape[1] != outC)
            throw new FoveaException($"ImagePreprocessing: expected images [N, 1 or {outC}, H, W], received " +
                $"{images.Shape}");
        if (_mean.Length != 1 && _mean.Length != outC)
            throw new FoveaException($"ImagePreprocessing: {_mean.Length} means and stds for a network with {outC} " +
                $"channels");
        int n = images.Shape[0], inC = images.Shape[1], plane = outH * outW;
        var result = new float[(long)n * outC * plane > Array.MaxLength
            ? throw new FoveaException($"ImagePreprocessing: {n} images of {sampleShape} do not fit in one array")
            : n * outC * plane];
        const int Chunk = 64;
        using var _ = GradMode.NoGrad();
        for (int start = 0; start < n; start += Chunk)
        {
            int count = Math.Min(Chunk, n - start);
            using var scope = TensorScope.Begin();
            var x = images.SliceRows(start, count);
            if (images.Shape[2] != outH || images.Shape[3] != outW)
                x = Functional.Resize(x, [count, inC, outH, outW], ResizeMode.Linear);
            var source = x.AsReadOnlySpan();
            for (int i = 0; i < count; i++)
            {
                for (int c = 0; c < outC; c++)
                {
                    int from = inC == 1 ? 0 : ReverseChannels ? inC - 1 - c : c;
                    float mean = _mean[_mean.Length == 1 ? 0 : c], std = _std[_std.Length == 1 ? 0 : c];
                    var src = source.Slice((i * inC + from) * plane, plane);
                    var dst = result.AsSpan(((start + i) * outC + c) * plane, plane);
                    for (int p = 0; p < plane; p++)
                        dst[p] = (src[p] * Scale - mean) / std;
                }
            }
        }
        return Tensor.Wrap(result, new Shape(n, outC, outH, outW));
    }

    public override string ToString() => $"ImagePreprocessing(scale {Scale}, mean [{string.Join(", ", _mean)}], " +
        $"std [{string.Join(", ", _std)}]{(ReverseChannels ? ", channels reversed" : "")})";
}
