namespace Fovea.Kernels;

/// <summary>
/// One bilinear sample of an H×W plane at (y, x) as torchvision's RoIAlign takes it: a point more than one cell
/// outside the plane (y &lt; −1, y &gt; H, x &lt; −1 or x &gt; W) has all weights 0; otherwise negative coordinates
/// clamp to 0 and a coordinate at or past the last cell uses the last cell alone. Weights W1..W4 belong to the corners
/// (Low.Y, Low.X), (Low.Y, High.X), (High.Y, Low.X), (High.Y, High.X). Computed in float32.
/// </summary>
internal readonly record struct Bilinear((int Y, int X) Low, (int Y, int X) High, float W1, float W2, float W3,
    float W4)
{
    public static Bilinear At(float y, float x, int h, int w)
    {
        if (y < -1f || y > h || x < -1f || x > w)
            return default;
        if (y <= 0f)
            y = 0f;
        if (x <= 0f)
            x = 0f;
        int yLow = (int)y, xLow = (int)x, yHigh, xHigh;
        if (yLow >= h - 1)
        {
            yHigh = yLow = h - 1;
            y = yLow;
        }
        else
        {
            yHigh = yLow + 1;
        }
        if (xLow >= w - 1)
        {
            xHigh = xLow = w - 1;
            x = xLow;
        }
        else
        {
            xHigh = xLow + 1;
        }
        float ly = y - yLow, lx = x - xLow;
        float hy = 1f - ly, hx = 1f - lx;
        return new Bilinear((yLow, xLow), (yHigh, xHigh), hy * hx, hy * lx, ly * hx, ly * lx);
    }
}
