using Fovea.Layers;

namespace Fovea.Models.Zoo;

/// <summary>
/// torchvision's video ResNets (Tran et al. 2018) with their exact structure and module names, on clips
/// [3, T, H, W]: R3D-18 (3×3×3 convolutions throughout), MC3-18 (3×3×3 in the first stage, 1×3×3 "no temporal"
/// convolutions after) and R(2+1)D-18 (each 3×3×3 factored into a 1×3×3 spatial and a 3×1×1 temporal convolution
/// with BatchNorm and ReLU between, the middle width chosen to keep the parameter count). Stem
/// (<c>stem.*</c>), four stages of two basic blocks (<c>layer1..4.b.conv1/conv2</c>, <c>downsample</c> on the first
/// block of stages 2–4), global average pooling and <c>fc</c>. BatchNorm ε = 1e−5, PyTorch momentum 0.1; PyTorch's
/// per-axis padding is a <see cref="ZeroPadding3D"/> before a valid convolution where it differs between axes.
/// Outputs logits (400 Kinetics classes by default); <c>includeTop: false</c> stops after the pooling (512 features).
/// </summary>
public static class VideoResNet
{
    private enum Kind { R3D, MC3, R2Plus1D }

    /// <summary>torchvision's <c>r3d_18()</c>: 33,371,472 parameters with 400 classes.</summary>
    public static Model R3D18(int classes = 400, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        Create("r3d_18", Kind.R3D, classes, includeTop, inputShape, seed);

    /// <summary>torchvision's <c>mc3_18()</c>: 11,695,440 parameters with 400 classes.</summary>
    public static Model MC318(int classes = 400, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        Create("mc3_18", Kind.MC3, classes, includeTop, inputShape, seed);

    /// <summary>torchvision's <c>r2plus1d_18()</c>: 31,505,325 parameters with 400 classes.</summary>
    public static Model R2Plus1D18(int classes = 400, bool includeTop = true, int[]? inputShape = null, int seed = 0) =>
        Create("r2plus1d_18", Kind.R2Plus1D, classes, includeTop, inputShape, seed);

    private static Model Create(string name, Kind kind, int classes, bool includeTop, int[]? inputShape, int seed)
    {
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(inputShape ?? [3, 16, 112, 112], "input");
        SymbolicTensor x;
        if (kind == Kind.R2Plus1D)
        {
            x = Conv(inputs, 45, (1, 7, 7), (1, 2, 2), (0, 3, 3), "stem.0");
            x = new ReLU(name: "stem.2").Call(Bn("stem.1").Call(x));
            x = Conv(x, 64, (3, 1, 1), 1, (1, 0, 0), "stem.3");
            x = new ReLU(name: "stem.5").Call(Bn("stem.4").Call(x));
        }
        else
        {
            x = Conv(inputs, 64, (3, 7, 7), (1, 2, 2), (1, 3, 3), "stem.0");
            x = new ReLU(name: "stem.2").Call(Bn("stem.1").Call(x));
        }
        int inPlanes = 64;
        for (int stage = 0; stage < 4; stage++)
        {
            int planes = 64 << stage;
            // MC3: full 3-D convolutions in the first stage only.
            var builder = kind == Kind.MC3 && stage > 0 ? Kind.MC3 : kind == Kind.MC3 ? Kind.R3D : kind;
            for (int b = 0; b < 2; b++)
            {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                x = BasicBlock(x, builder, b == 0 ? inPlanes : planes, planes, stride, $"layer{stage + 1}.{b}");
            }
            inPlanes = planes;
        }
        x = new GlobalAveragePooling3D(name: "avgpool").Call(x);
        if (includeTop)
            x = new Dense(classes, name: "fc").Call(x);
        return new Model(inputs, x, name, seed);
    }

    private static SymbolicTensor BasicBlock(SymbolicTensor x, Kind builder, int inPlanes, int planes, int stride,
        string prefix)
    {
        int mid = inPlanes * planes * 27 / (inPlanes * 9 + 3 * planes);
        var y = Builder(x, builder, inPlanes, planes, mid, stride, prefix + ".conv1.0");
        y = new ReLU(name: prefix + ".conv1.2").Call(Bn(prefix + ".conv1.1").Call(y));
        y = Builder(y, builder, planes, planes, mid, 1, prefix + ".conv2.0");
        y = Bn(prefix + ".conv2.1").Call(y);
        var shortcut = x;
        if (stride != 1 || inPlanes != planes)
        {
            Size3 s = builder == Kind.MC3 ? (1, stride, stride) : stride;
            shortcut = new Conv3D(planes, 1, s, useBias: false, kernelInitializer: Initializers.HeNormal,
                name: prefix + ".downsample.0").Call(x);
            shortcut = Bn(prefix + ".downsample.1").Call(shortcut);
        }
        y = new Add(name: prefix + ".add").Call([y, shortcut]);
        return new ReLU(name: prefix + ".relu").Call(y);
    }

    /// <summary>torchvision's Conv3DSimple (R3D), Conv3DNoTemporal (MC3) and Conv2Plus1D.</summary>
    private static SymbolicTensor Builder(SymbolicTensor x, Kind kind, int inPlanes, int outPlanes, int mid, int stride,
        string name) => kind switch
    {
        Kind.R3D => Conv(x, outPlanes, 3, stride, (1, 1, 1), name),
        Kind.MC3 => Conv(x, outPlanes, (1, 3, 3), (1, stride, stride), (0, 1, 1), name),
        _ => Conv(new ReLU(name: name + ".2").Call(Bn(name + ".1").Call(
                Conv(x, mid, (1, 3, 3), (1, stride, stride), (0, 1, 1), name + ".0"))),
            outPlanes, (3, 1, 1), (stride, 1, 1), (1, 0, 0), name + ".3"),
    };

    /// <summary>A 3-D convolution without bias with PyTorch's symmetric per-axis padding.</summary>
    private static SymbolicTensor Conv(SymbolicTensor x, int filters, Size3 kernel, Size3 stride,
        (int D, int H, int W) padding, string name)
    {
        if (padding is not (0, 0, 0))
            x = new ZeroPadding3D(padding, name: name + ".pad").Call(x);
        return new Conv3D(filters, kernel, stride, useBias: false, kernelInitializer: Initializers.HeNormal, name: name)
            .Call(x);
    }

    private static BatchNormalization Bn(string name) => new(momentum: 0.9f, epsilon: 1e-5f, name: name);
}
