namespace Fovea.Vision.Datasets;

/// <summary>Which Fashion-MNIST images a <see cref="FashionDetection"/> split takes its objects from.</summary>
public enum FashionDetectionSplit
{
    /// <summary>Objects from Fashion-MNIST's 60,000 training images.</summary>
    Train,

    /// <summary>Objects from Fashion-MNIST's 10,000 test images, so validation objects are never seen in training.
    /// </summary>
    Validation,
}
