namespace Fovea.Vision.Formats;

/// <summary>A COCO ground-truth file: images, categories and box annotations (read and written by
/// <see cref="CocoJson"/>).</summary>
/// <param name="Images">The <c>images</c> list.</param>
/// <param name="Categories">The <c>categories</c> list.</param>
/// <param name="Annotations">The <c>annotations</c> list, in file order (evaluation keeps this order).</param>
public sealed record CocoDataset(IReadOnlyList<CocoImage> Images, IReadOnlyList<CocoCategory> Categories,
    IReadOnlyList<CocoAnnotation> Annotations);
