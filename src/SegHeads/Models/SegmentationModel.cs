using TorchSharp;
using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Heads;
using SegHeads.Internal;
using SegHeads.Native;
using SegHeads.Reparam;
using static TorchSharp.torch;

namespace SegHeads.Models;

/// <summary>
/// A backbone and a head wired into one model: images <c>[N, C, H, W]</c> → logits <c>[N, K, H, W]</c>.
/// <c>forward</c> always returns logits; <see cref="PredictProbabilities"/> and <see cref="Predict"/>
/// turn them into probabilities and masks. State-dict keys: <c>backbone.*</c>, <c>head.*</c>.
/// </summary>
public sealed class SegmentationModel : nn.Module<Tensor, Tensor>
{
    private readonly Backbone backbone;
    private readonly SegmentationHead head;
    private bool disposed;

    /// <summary>Wires <paramref name="backbone"/> and <paramref name="head"/>; both are owned by the model.</summary>
    /// <param name="backbone">Feature extractor.</param>
    /// <param name="head">Head whose <see cref="SegmentationHead.InChannels"/> equals the backbone's <see cref="Backbone.OutChannels"/>.</param>
    /// <param name="sizePolicy">What to do with sizes that are not multiples of the backbone's divisor.</param>
    /// <exception cref="ArgumentException">The channel counts do not match.</exception>
    public SegmentationModel(Backbone backbone, SegmentationHead head, SizePolicy sizePolicy = SizePolicy.Strict)
        : base(TorchRuntime.Ready(nameof(SegmentationModel)))
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(head);
        if (head.InChannels != backbone.OutChannels)
        {
            throw new ArgumentException(
                $"The head expects {head.InChannels} feature channels but the backbone produces {backbone.OutChannels}.", nameof(head));
        }

        if (!Enum.IsDefined(sizePolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(sizePolicy), sizePolicy, $"Unknown size policy {(int)sizePolicy}.");
        }

        this.backbone = backbone;
        this.head = head;
        SizePolicy = sizePolicy;
        RegisterComponents();
    }

    /// <summary>Builds the default UNet-style backbone with <paramref name="headSpec"/> on top.</summary>
    /// <param name="headSpec">Head spec string, e.g. <c>stacked-linear:3-3-1@64</c>.</param>
    /// <param name="numClasses">Classes K.</param>
    /// <param name="backboneOptions">Backbone configuration; <see langword="null"/> for the defaults.</param>
    /// <param name="sizePolicy">Size policy.</param>
    public static SegmentationModel Create(string headSpec, int numClasses, EncoderDecoderOptions? backboneOptions = null, SizePolicy sizePolicy = SizePolicy.Strict)
    {
        var backbone = new EncoderDecoder(backboneOptions);
        return new SegmentationModel(backbone, HeadFactory.Create(headSpec, backbone.OutChannels, numClasses), sizePolicy);
    }

    /// <summary>The backbone.</summary>
    public Backbone Backbone => backbone;

    /// <summary>The head.</summary>
    public SegmentationHead Head => head;

    /// <summary>Image channels expected.</summary>
    public int InChannels => backbone.InChannels;

    /// <summary>Classes K.</summary>
    public int NumClasses => head.NumClasses;

    /// <summary>The size policy.</summary>
    public SizePolicy SizePolicy { get; }

    /// <summary>Computes logits (never probabilities).</summary>
    /// <param name="input">Images <c>[N, C, H, W]</c>.</param>
    /// <returns>Logits <c>[N, K, H, W]</c>.</returns>
    /// <exception cref="ArgumentException">
    /// Wrong rank or channels, a dtype or device other than the model's, NaN or infinite values, or
    /// (with <see cref="SizePolicy.Strict"/>) a size that is not a multiple of the backbone's divisor.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public override Tensor forward(Tensor input)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Shapes.RequireImageBatch(input, InChannels, nameof(SegmentationModel), nameof(input));
        RequireMatchesParameters(input);
        RequireFinite(input);
        long h = input.shape[2];
        long w = input.shape[3];
        int d = backbone.SizeDivisor;
        long padH = (d - (h % d)) % d;
        long padW = (d - (w % d)) % d;
        if ((padH != 0 || padW != 0) && SizePolicy == SizePolicy.Strict)
        {
            throw new ArgumentException(
                $"Input H and W must be multiples of {d} (the backbone's size divisor), but got shape {Shapes.Format(input)}; "
                + $"the next valid size is {h + padH}x{w + padW}. Pass SizePolicy.PadAndCrop to pad and crop automatically.",
                nameof(input));
        }

        using var scope = NewDisposeScope();
        Tensor x = padH != 0 || padW != 0 ? nn.functional.pad(input, [0, padW, 0, padH]) : input;

        // NOTE: the backbone and head run channels-last (see ChannelsLast.Applies for why); the
        // logits are made contiguous NCHW again below, so callers see the same tensors as before.
        bool channelsLast = ChannelsLast.Applies(x);
        if (channelsLast)
        {
            x = ChannelsLast.From(x);
        }

        Tensor logits = head.forward(backbone.forward(x));
        if (backbone.OutputStride != 1)
        {
            logits = nn.functional.interpolate(logits, [h + padH, w + padW], mode: InterpolationMode.Bilinear, align_corners: false);
        }

        if (padH != 0 || padW != 0)
        {
            logits = logits[.., .., TensorIndex.Slice(0, h), TensorIndex.Slice(0, w)];
        }

        if (channelsLast)
        {
            logits = logits.contiguous();
        }

        return scope.MoveToOuter(logits);
    }

    /// <summary>
    /// Switches to eval mode without gradient tracking until the returned scope is disposed, then
    /// restores the previous mode: <c>using (model.BeginInference()) { ... }</c>.
    /// </summary>
    /// <returns>The scope; dispose it on the same thread.</returns>
    public InferenceScope BeginInference() => new(this);

    /// <summary>
    /// Class probabilities: softmax over the class dimension (dim 1), or a sigmoid when K = 1.
    /// Runs in eval mode without gradients and restores the previous mode.
    /// </summary>
    /// <param name="images">Images <c>[N, C, H, W]</c>.</param>
    /// <returns>Probabilities <c>[N, K, H, W]</c>.</returns>
    public Tensor PredictProbabilities(Tensor images) =>
        InEval(() =>
        {
            using Tensor logits = forward(images);
            return NumClasses == 1 ? logits.sigmoid() : logits.softmax(1);
        });

    /// <summary>
    /// The predicted mask (<see cref="Masks.FromLogits"/>): argmax over classes, or <c>sigmoid(logit) &gt; threshold</c> when K = 1.
    /// Runs in eval mode without gradients and restores the previous mode.
    /// </summary>
    /// <param name="images">Images <c>[N, C, H, W]</c>.</param>
    /// <param name="threshold">Probability threshold for binary (K = 1) models.</param>
    /// <returns>Class indices <c>[N, H, W]</c> as int64.</returns>
    public Tensor Predict(Tensor images, double threshold = 0.5) =>
        InEval(() =>
        {
            using Tensor logits = forward(images);
            return Masks.FromLogits(logits, threshold);
        });

    /// <summary>
    /// A new eval-mode model for inference with the same eval-mode function: every
    /// <see cref="IFusable"/> block is fused (each batch norm folds into the conv before it, with
    /// its running statistics), and a linear head collapses into one conv. This model is left
    /// untouched (timm's <c>reparameterize_model(inplace=False)</c>). For pad-each heads the
    /// collapsed output differs in a border ring of width <c>R − r1</c> (see <see cref="HeadPadding"/>);
    /// pad-once heads deploy exactly. A head that is not linear is kept as a fused copy. Batch
    /// norms in modules that do not implement <see cref="IFusable"/> stay (see <see cref="Fusion.BatchNormPaths"/>).
    /// </summary>
    /// <returns>The deployed model, on this model's device and dtype.</returns>
    public SegmentationModel ToDeployed()
    {
        Backbone backboneCopy = backbone.Clone();
        Fusion.FuseAll(backboneCopy);
        SegmentationHead deployedHead;
        if (head.TryCollapse(out ConvKernel? kernel, out _))
        {
            using (kernel)
            {
                deployedHead = HeadFactory.FromKernel(kernel);
            }
        }
        else
        {
            deployedHead = HeadFactory.Create(head.Spec, head.InChannels, head.NumClasses);
            ModuleState.CopyInto(head, deployedHead);
            Fusion.FuseAll(deployedHead);
        }

        var deployed = new SegmentationModel(backboneCopy, deployedHead, SizePolicy);
        deployed.eval();
        return deployed;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        disposed = true;
        base.Dispose(disposing);
    }

    // NOTE: libtorch would answer a dtype or device mismatch with a C++ stack trace, and NaN
    // inputs with NaN logits that argmax turns into class 0 without a word: say it here instead.
    private void RequireMatchesParameters(Tensor input)
    {
        Tensor? first = parameters().FirstOrDefault();
        if (first is null)
        {
            return;
        }

        if (input.dtype != first.dtype)
        {
            throw new ArgumentException(
                $"The model's parameters are {first.dtype} but the images are {input.dtype}: convert the images with "
                + $"images.to({first.dtype}) or the model with model.to({input.dtype}).", nameof(input));
        }

        if (input.device.type != first.device.type || input.device.index != first.device.index)
        {
            throw new ArgumentException(
                $"The model is on {first.device} but the images are on {input.device}: move the images with images.to(model's device).", nameof(input));
        }
    }

    private static void RequireFinite(Tensor input)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor bad = input.isfinite().logical_not();
        long count = bad.sum().ToInt64();
        if (count > 0)
        {
            long[] first = bad.nonzero()[0].data<long>().ToArray();
            throw new ArgumentException(
                $"The images contain {count} NaN or infinite value(s) (the first at [{string.Join(", ", first)}] of shape {Shapes.Format(input)}); "
                + "the logits would be NaN. Clean or normalise the input first.", nameof(input));
        }
    }

    private T InEval<T>(Func<T> body)
    {
        using InferenceScope inference = BeginInference();
        return body();
    }
}
