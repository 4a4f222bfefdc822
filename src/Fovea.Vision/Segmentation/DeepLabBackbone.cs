namespace Fovea.Vision.Segmentation;

/// <summary>The encoder of <see cref="DeepLabV3Plus"/>: a torchvision zoo network (weights load by torchvision names
/// under <c>backbone.</c>).</summary>
public enum DeepLabBackbone
{
    /// <summary>ResNet-50: low-level features from layer1 (256 channels, stride 4), high-level from layer4 (2048),
    /// layer3/layer4 dilated for output stride 8 or 16.</summary>
    ResNet50,

    /// <summary>MobileNetV3-Large (dilated last stage): low-level features from features.3 (24 channels, stride 4),
    /// high-level from features.16 (960, output stride 16 only).</summary>
    MobileNetV3Large,
}
