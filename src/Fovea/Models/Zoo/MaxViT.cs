using Fovea.Layers;
using static Fovea.Models.Zoo.TorchvisionBlocks;

namespace Fovea.Models.Zoo;

/// <summary>
/// MaxViT-T (Tu et al. 2022), torchvision's convolution–attention hybrid, with its exact structure and module names:
/// a stem (<c>stem.0</c> 3×3/2 convolution, BatchNorm, GELU; <c>stem.1</c> 3×3 convolution with bias), four blocks of
/// 2, 2, 5, 2 MaxViT layers (<c>blocks.i.layers.j.layers</c>), each an MBConv (pre-norm BatchNorm, 1×1 expansion to
/// 4×, 3×3 depthwise, squeeze-and-excitation to ¼ of the output width, 1×1 projection with bias; a 3×3/2 average
/// pooling (padding counted) and 1×1 convolution on the shortcut where the layer downsamples), then window attention
/// (7×7 windows) and grid attention (a 7×7 grid of strided positions), each a pre-norm relative-position multi-head
/// attention (heads of 32) and a pre-norm GELU MLP (4×) with residuals; then global average pooling, LayerNorm, a
/// Linear with tanh and a Linear without bias (<c>classifier.2, 3, 5</c>). BatchNorm ε = 1e−3, LayerNorm ε = 1e−5;
/// stochastic depth grows linearly to 0.2 over the 11 layers. The partitions need an input whose sides halve to
/// multiples of 7 at every stage, e.g. 224 (the default) or 448.
/// Outputs logits; <c>includeTop: false</c> stops after the pooling (512 features).
/// </summary>
public static class MaxViT
{
    private static readonly Norm s_norm = new(1e-3f, 0.99f);
    private const int Partition = 7, HeadDim = 32;

    /// <summary>torchvision's <c>maxvit_t()</c>: 30,919,624 parameters with 1000 classes.</summary>
    public static Model T(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0)
    {
        var shape = inputShape ?? [3, 224, 224];
        if (shape.Length != 3 || !Fits(shape[1]) || !Fits(shape[2]))
        {
            throw new FoveaException($"maxvit_t: the input [3, H, W] must have H and W that halve to multiples of " +
                $"{Partition} after the stem and at each of the 4 blocks (e.g. 224, 448), received [{string.Join(", ", shape)}]");
        }
        int[] channels = [64, 128, 256, 512], layers = [2, 2, 5, 2];
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(shape, "input");
        var x = ConvNormActivation(inputs, 64, 3, 2, 1, Activations.Gelu(), s_norm, "stem.0");
        x = new Conv2D(64, 3, padding: Padding.Explicit(1), name: "stem.1.0").Call(x);
        int h = Halve(shape[1]), w = Halve(shape[2]), inChannels = 64, total = layers.Sum(), id = 0;
        for (int block = 0; block < channels.Length; block++)
        {
            (h, w) = (Halve(h), Halve(w));
            for (int j = 0; j < layers[block]; j++)
            {
                double drop = 0.2 * id++ / (total - 1);
                string prefix = $"blocks.{block}.layers.{j}.layers";
                x = MBConv(x, j == 0 ? inChannels : channels[block], channels[block], j == 0 ? 2 : 1, drop,
                    prefix + ".MBconv");
                x = PartitionAttention(x, channels[block], h, w, grid: false, drop, prefix + ".window_attention");
                x = PartitionAttention(x, channels[block], h, w, grid: true, drop, prefix + ".grid_attention");
            }
            inChannels = channels[block];
        }
        x = new GlobalAveragePooling2D(name: "classifier.0").Call(x);
        if (includeTop)
        {
            x = new LayerNormalization(epsilon: 1e-5f, name: "classifier.2").Call(x);
            x = new Dense(512, Activations.Tanh, name: "classifier.3").Call(x);
            x = new Dense(classes, useBias: false, name: "classifier.5").Call(x);
        }
        return new Model(inputs, x, "maxvit_t", seed);
    }

    private static int Halve(int size) => (size - 1) / 2 + 1;   // 3×3/2 convolution with padding 1

    /// <summary>torchvision's check: after the stem, each block's input grid is divisible by the partition size.
    /// </summary>
    private static bool Fits(int size)
    {
        size = Halve(size);
        for (int block = 0; block < 4; block++)
        {
            size = Halve(size);
            if (size % Partition != 0)
                return false;
        }
        return true;
    }

    private static SymbolicTensor MBConv(SymbolicTensor x, int inChannels, int outChannels, int stride, double drop,
        string prefix)
    {
        var shortcut = x;
        if (stride != 1 || inChannels != outChannels)
        {
            int k = 0;
            if (stride == 2)
            {
                shortcut = new ZeroPadding2D(1, name: prefix + ".proj.pad").Call(shortcut);
                shortcut = new AveragePooling2D(3, 2, name: prefix + ".proj." + k++).Call(shortcut);
            }
            shortcut = new Conv2D(outChannels, 1, name: $"{prefix}.proj.{k}").Call(shortcut);
        }
        int mid = outChannels * 4;
        var y = s_norm.Create(prefix + ".layers.pre_norm").Call(x);
        y = ConvNormActivation(y, mid, 1, 1, 1, Activations.Gelu(), s_norm, prefix + ".layers.conv_a");
        y = ConvNormActivation(y, mid, 3, stride, mid, Activations.Gelu(), s_norm, prefix + ".layers.conv_b");
        y = SqueezeExcitation(y, mid, outChannels / 4, Activations.Silu, Activations.Sigmoid,
            prefix + ".layers.squeeze_excitation");
        y = new Conv2D(outChannels, 1, name: prefix + ".layers.conv_c").Call(y);
        y = new DropPath(drop, name: prefix + ".stochastic_depth").Call(y);
        return new Add(name: prefix + ".add").Call([shortcut, y]);
    }

    /// <summary>
    /// torchvision's PartitionAttentionLayer on [B, C, H, W]: windows of 7×7 neighbours (<paramref name="grid"/>
    /// false) or a 7×7 grid of positions H/7 apart (true) as [B, groups, 49, C]; attention and MLP with residuals;
    /// back to [B, C, H, W].
    /// </summary>
    private static SymbolicTensor PartitionAttention(SymbolicTensor x, int c, int h, int w, bool grid, double drop,
        string prefix)
    {
        // WindowPartition with P = 7 (window) or P = H/7 (grid): [B, C, H, W] → [B, (H/P)(W/P), P·P, C].
        int p = grid ? h / Partition : Partition, hp = h / p, wp = w / p;
        var t = new Reshape([c, hp, p, wp, p], name: prefix + ".partition.0").Call(x);
        t = new Permute([2, 4, 3, 5, 1], name: prefix + ".partition.1").Call(t);
        t = new Reshape([hp * wp, p * p, c], name: prefix + ".partition.2").Call(t);
        if (grid)
            t = new Permute([2, 1, 3], name: prefix + ".partition_swap").Call(t);

        var a = new LayerNormalization(epsilon: 1e-5f, name: prefix + ".attn_layer.0").Call(t);
        a = new RelativePositionAttention(HeadDim, Partition, name: prefix + ".attn_layer.1").Call(a);
        a = new DropPath(drop, name: prefix + ".stochastic_dropout.0").Call(a);
        t = new Add(name: prefix + ".attn_add").Call([t, a]);
        var m = new LayerNormalization(epsilon: 1e-5f, name: prefix + ".mlp_layer.0").Call(t);
        m = new Dense(4 * c, name: prefix + ".mlp_layer.1").Call(m);
        m = new Activation(Activations.Gelu(), name: prefix + ".mlp_layer.2").Call(m);
        m = new Dense(c, name: prefix + ".mlp_layer.3").Call(m);
        m = new DropPath(drop, name: prefix + ".stochastic_dropout.1").Call(m);
        t = new Add(name: prefix + ".mlp_add").Call([t, m]);

        if (grid)
            t = new Permute([2, 1, 3], name: prefix + ".departition_swap").Call(t);
        // WindowDepartition: [B, (H/P)(W/P), P·P, C] → [B, C, H, W].
        t = new Reshape([hp, wp, p, p, c], name: prefix + ".departition.0").Call(t);
        t = new Permute([5, 1, 3, 2, 4], name: prefix + ".departition.1").Call(t);
        return new Reshape([c, h, w], name: prefix + ".departition.2").Call(t);
    }
}
