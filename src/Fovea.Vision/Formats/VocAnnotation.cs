namespace Fovea.Vision.Formats;

/// <summary>One Pascal VOC annotation file (<c>Annotations/&lt;image&gt;.xml</c>): the image's file name and size,
/// and its objects.</summary>
/// <param name="FileName">The <c>filename</c> element (the image file).</param>
/// <param name="Width">Image width (<c>size/width</c>).</param>
/// <param name="Height">Image height (<c>size/height</c>).</param>
/// <param name="Depth">Channels (<c>size/depth</c>), 3 for colour images.</param>
/// <param name="Objects">The annotated objects, in file order.</param>
public sealed record VocAnnotation(string FileName, int Width, int Height, int Depth, IReadOnlyList<VocObject> Objects);
