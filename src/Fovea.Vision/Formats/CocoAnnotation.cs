namespace Fovea.Vision.Formats;

/// <summary>A ground-truth object of a COCO file's <c>annotations</c> list (boxes only; a polygon or RLE
/// <c>segmentation</c> is not read).</summary>
/// <param name="Id">Annotation id.</param>
/// <param name="ImageId">The image it lies in.</param>
/// <param name="CategoryId">Its category.</param>
/// <param name="Box">Its box, <c>bbox</c> [x, y, w, h].</param>
/// <param name="Area">The <c>area</c> field: COCO evaluation sorts objects into small/medium/large by this, not by
/// w×h (for COCO's own data it is the mask area).</param>
/// <param name="IsCrowd"><c>iscrowd</c>: a region of many objects that detections may hit without penalty.</param>
public sealed record CocoAnnotation(long Id, long ImageId, int CategoryId, CocoBox Box, double Area,
    bool IsCrowd = false);
