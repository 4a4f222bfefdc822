using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Kernels;

/// <summary>
/// Guards the ISA knobs .ci/run uses to send the kernel tests down every dispatch path. .ci/run sets
/// FOVEA_EXPECT_SIMD to the widest vector width it expects the runtime to accelerate under the knobs it sets
/// (512, 256, 128 or 0 for scalar), and this test fails if the runtime ignores the knobs, so those runs can never
/// quietly test the AVX-512 path again. The names are .NET 10's: <c>DOTNET_EnableAVX512=0</c> turns Vector512 off
/// (<c>DOTNET_EnableAVX512F=0</c>, the .NET 8 name, is ignored by .NET 10), <c>DOTNET_EnableAVX2=0</c> turns off
/// Vector256, AVX2 and FMA, <c>DOTNET_EnableHWIntrinsic=0</c> turns off every intrinsic. Without FOVEA_EXPECT_SIMD
/// the test reports itself skipped.
/// </summary>
public sealed class SimdEnvironmentTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Runtime_UnderCiKnobs_AcceleratesTheExpectedWidth()
    {
        string state = $"Vector512 {Vector512.IsHardwareAccelerated}, Avx512F {Avx512F.IsSupported}, " +
            $"Vector256 {Vector256.IsHardwareAccelerated}, Avx2 {Avx2.IsSupported}, Fma {Fma.IsSupported}, " +
            $"Vector128 {Vector128.IsHardwareAccelerated}";
        output.WriteLine(state);
        string? expected = Environment.GetEnvironmentVariable("FOVEA_EXPECT_SIMD");
        Skip.If(string.IsNullOrEmpty(expected), "FOVEA_EXPECT_SIMD is not set (.ci/run sets it with the ISA knobs)");

        int widest = Vector512.IsHardwareAccelerated ? 512
            : Vector256.IsHardwareAccelerated ? 256
            : Vector128.IsHardwareAccelerated ? 128
            : 0;
        Assert.True(expected == widest.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"FOVEA_EXPECT_SIMD={expected}, but the widest accelerated vector is {widest} bits ({state})");
        if (widest < 256)
            Assert.False(Avx2.IsSupported || Fma.IsSupported, $"AVX2/FMA still on with 256-bit vectors off ({state})");
        if (widest < 512)
            Assert.False(Avx512F.IsSupported, $"AVX-512F still on with 512-bit vectors off ({state})");
    }
}
