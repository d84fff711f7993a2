using CsCheck;
using SegHeads.Heads;

namespace SegHeads.Tests.Heads;

/// <summary>
/// Property-based fuzz of the spec parser: 10,000 strings built from grammar fragments and noise,
/// with a fixed seed so a failure reproduces. The parser's promises: only FormatException escapes
/// Parse (TryParse never throws), every accepted spec round-trips through its canonical string,
/// and every accepted spec within the documented bounds builds a head.
/// </summary>
public sealed class HeadSpecFuzzTests
{
    private const string Seed = "0N0XIzNsQ0O2";

    private static readonly Gen<string> Token = Gen.OneOf(
        Gen.OneOf("linear", "stacked-linear", "activated", "branched-linear", "Stacked-Linear", "conv", "linear-", ""),
        Gen.OneOf(":", "@", "+", "-", ",", "x", " ", "++", "--", ":@"),
        Gen.OneOf("bn", "gn", "pad-once", "pad-each", "relu", "BN", "dropout"),
        Gen.Int[-3, 40].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("1", "3", "5", "3-3-1", "3x1", "1x3", "31", "33", "16384", "16385", "99999999999", "-0", "007", "١"),
        Gen.Char.Select(c => c.ToString()));

    private static readonly Gen<string> Noise = Token.Array[0, 12].Select(parts => string.Concat(parts));

    // Mostly well-formed specs with a chance of one wrong part each, so both sides of every rule are hit.
    private static readonly Gen<string> NearlyValid = Gen.Select(
        Gen.OneOf("linear", "stacked-linear", "activated", "branched-linear", " Activated ", "stacked_linear"),
        Gen.OneOf(Gen.Const(""), Gen.Int[-1, 35].Array[1, 5].Select(ks => ":" + string.Join("-", ks)), Gen.OneOf(":3x1,1x3-1", ":3-", ":", ":1,3")),
        Gen.OneOf(Gen.Const(""), Gen.Int[-2, 17000].Select(w => "@" + w.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.OneOf("@", "@x", "@99999999999")),
        Gen.OneOf("bn", "gn", "pad-once", "pad-each", "relu", "").Array[0, 3].Select(os => string.Concat(os.Select(o => "+" + o))),
        (kind, layers, width, options) => kind + layers + width + options);

    private static readonly Gen<string> SpecText = Gen.OneOf(Noise, NearlyValid, NearlyValid);

    [Fact]
    public void Parse_TenThousandStrings_OnlyFormatExceptionAndAcceptedSpecsRoundTrip()
    {
        int accepted = 0;
        SpecText.Sample(text =>
        {
            bool ok = HeadSpec.TryParse(text, out HeadSpec? spec, out string? error);
            try
            {
                HeadSpec parsed = HeadSpec.Parse(text);
                ok.Should().BeTrue($"Parse accepted '{text}' but TryParse did not");
                parsed.Should().Be(spec);
            }
            catch (FormatException e)
            {
                ok.Should().BeFalse($"Parse rejected '{text}' but TryParse accepted it");
                e.Message.Should().Contain(error!);
            }

            if (spec is not null)
            {
                Interlocked.Increment(ref accepted);
                string canonical = spec.ToString();
                HeadSpec again = HeadSpec.Parse(canonical);
                again.Should().Be(spec);
                again.ToString().Should().Be(canonical);
            }
        }, seed: Seed, iter: 10_000, threads: 1);

        accepted.Should().BeGreaterThan(250, "the generator must reach valid specs, not only noise");
    }

    private static readonly Gen<string> ValidSpecText =
        Gen.Select(
            Gen.OneOf("stacked-linear", "activated", "branched-linear"),
            Gen.OneOf(1, 3, 5, 7, 31).Array[1, 4],
            Gen.Int[1, 24],
            Gen.OneOf("", "+bn", "+pad-once", "+bn+pad-once", "+gn"),
            (kind, kernels, width, options) => $"{kind}:{string.Join("-", kernels)}@{width}{options}");

    [Fact]
    public void Create_AcceptedSpecsWithinBounds_AlwaysBuildAHead()
    {
        int built = 0;
        ValidSpecText.Sample(text =>
        {
            if (!HeadSpec.TryParse(text, out HeadSpec? spec))
            {
                return;
            }

            spec.EstimateParameters(2, 3).Should().BeLessThanOrEqualTo(HeadFactory.MaxParameters);
            using SegmentationHead head = HeadFactory.Create(spec, 2, 3);
            head.Spec.Should().Be(spec);
            head.parameters().Sum(p => p.numel()).Should().BeLessThanOrEqualTo(spec.EstimateParameters(2, 3));
            built++;
        }, seed: Seed, iter: 300, threads: 1);

        built.Should().BeGreaterThan(150);
    }
}
