using SegHeads.Internal;
using SegHeads.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Inference;

/// <summary>
/// Sliding-window (tiled) prediction: runs a <see cref="SegmentationModel"/> on overlapping windows
/// of a large image and blends their logits, so memory is bounded by the window and the tile batch
/// rather than by the image. Works for any image size of at least 1x1; an image smaller than a
/// window is padded (<see cref="TiledPredictorOptions.Padding"/>) and the output cropped back.
/// </summary>
/// <remarks>
/// Each output pixel is <c>Σ w·logits / Σ w</c> over the windows covering it, with <c>w</c> the
/// window's weight at that pixel (<see cref="TileBlending"/>). Logits are blended, never
/// probabilities. Accumulators live on the image's device in the image's dtype. Every window has
/// the configured size, so a <see cref="SizePolicy.Strict"/> model works on any image size as long
/// as the window is a multiple of its backbone's size divisor (checked when the predictor is made).
/// The model is borrowed, not owned.
/// </remarks>
public sealed class TiledPredictor
{
    private readonly SegmentationModel model;

    /// <summary>Creates the predictor.</summary>
    /// <param name="model">The model; not owned, and not disposed by the predictor.</param>
    /// <param name="options">Window, stride, batch, blending and padding; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">An option is invalid, or the model is <see cref="SizePolicy.Strict"/> and the window is not a multiple of its size divisor.</exception>
    public TiledPredictor(SegmentationModel model, TiledPredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = (options ?? new TiledPredictorOptions()).Validate();
        int d = model.Backbone.SizeDivisor;
        if (model.SizePolicy == SizePolicy.Strict && (Options.WindowHeight % d != 0 || Options.WindowWidth % d != 0))
        {
            throw new ArgumentException(
                $"The window {Options.WindowHeight}x{Options.WindowWidth} must be a multiple of the backbone's size divisor {d} for a model with SizePolicy.Strict; "
                + $"use {RoundUp(Options.WindowHeight, d)}x{RoundUp(Options.WindowWidth, d)}, or a model with SizePolicy.PadAndCrop.",
                nameof(options));
        }

        this.model = model;
    }

    /// <summary>The configuration (validated).</summary>
    public TiledPredictorOptions Options { get; }

    /// <summary>Blended logits of the whole image, in eval mode without gradients (the model's mode is restored).</summary>
    /// <param name="images">Images <c>[N, C, H, W]</c>, any H, W ≥ 1, on the model's device and dtype.</param>
    /// <returns>Logits <c>[N, K, H, W]</c> on the images' device.</returns>
    /// <exception cref="ArgumentException">Wrong rank, channel count, dtype or device, empty dimensions, or non-finite values.</exception>
    public Tensor PredictLogits(Tensor images)
    {
        Shapes.RequireImageBatch(images, model.InChannels, nameof(TiledPredictor), nameof(images));
        using InferenceScope inference = model.BeginInference();
        using var scope = NewDisposeScope();

        long n = images.shape[0];
        long h = images.shape[2];
        long w = images.shape[3];
        long wh = Options.WindowHeight;
        long ww = Options.WindowWidth;
        Tensor padded = Pad(images, Math.Max(wh - h, 0), Math.Max(ww - w, 0));
        long ph = padded.shape[2];
        long pw = padded.shape[3];

        long[] rows = TileGrid.Starts(ph, wh, Options.StrideHeight);
        long[] columns = TileGrid.Starts(pw, ww, Options.StrideWidth);
        var tiles = new List<(long Image, long Top, long Left)>();
        for (long i = 0; i < n; i++)
        {
            foreach (long top in rows)
            {
                foreach (long left in columns)
                {
                    tiles.Add((i, top, left));
                }
            }
        }

        Tensor weights = TileWeights.Create(wh, ww, Options, images.dtype, images.device);
        Tensor sum = zeros([n, model.NumClasses, ph, pw], dtype: images.dtype, device: images.device);
        Tensor total = zeros([1, 1, ph, pw], dtype: images.dtype, device: images.device);
        foreach (long top in rows)
        {
            foreach (long left in columns)
            {
                ScalarMath.AddInPlace(total.narrow(2, top, wh).narrow(3, left, ww), weights);
            }
        }

        foreach (var batch in tiles.Chunk(Options.TilesPerBatch))
        {
            // NOTE: one scope per tile batch: the batch's input and logits are the only
            // temporaries alive at a time, which is what bounds memory.
            using var batchScope = NewDisposeScope();
            Tensor input = cat(batch.Select(t => padded.narrow(0, t.Image, 1).narrow(2, t.Top, wh).narrow(3, t.Left, ww)).ToArray(), 0);
            Tensor logits = model.forward(input) * weights;
            for (int b = 0; b < batch.Length; b++)
            {
                var (image, top, left) = batch[b];
                ScalarMath.AddInPlace(sum.narrow(0, image, 1).narrow(2, top, wh).narrow(3, left, ww), logits.narrow(0, b, 1));
            }
        }

        // NOTE: in place, so the output costs one N·K·H·W buffer besides the tile batch.
        Tensor blended = sum.div_(total).narrow(2, 0, h).narrow(3, 0, w).contiguous();
        return scope.MoveToOuter(blended);
    }

    /// <summary>Class probabilities of the blended logits: softmax over dim 1, or a sigmoid when K = 1.</summary>
    /// <param name="images">Images <c>[N, C, H, W]</c>.</param>
    /// <returns>Probabilities <c>[N, K, H, W]</c>.</returns>
    /// <exception cref="ArgumentException">As <see cref="PredictLogits"/>.</exception>
    public Tensor PredictProbabilities(Tensor images)
    {
        using Tensor logits = PredictLogits(images);
        return model.NumClasses == 1 ? logits.sigmoid() : logits.softmax(1);
    }

    /// <summary>The predicted mask of the blended logits (<see cref="Masks.FromLogits"/>).</summary>
    /// <param name="images">Images <c>[N, C, H, W]</c>.</param>
    /// <param name="threshold">Probability threshold for binary (K = 1) models, in (0, 1).</param>
    /// <returns>Class indices <c>[N, H, W]</c> as int64.</returns>
    /// <exception cref="ArgumentException">As <see cref="PredictLogits"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is not in (0, 1).</exception>
    public Tensor Predict(Tensor images, double threshold = 0.5)
    {
        if (!(threshold > 0 && threshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"The threshold must be in (0, 1), but was {threshold}.");
        }

        using Tensor logits = PredictLogits(images);
        return Masks.FromLogits(logits, threshold);
    }

    private Tensor Pad(Tensor images, long bottom, long right)
    {
        if (bottom == 0 && right == 0)
        {
            return images.alias();
        }

        return Options.Padding == TilePadding.Replicate
            ? nn.functional.pad(images, [0, right, 0, bottom], PaddingModes.Replicate)
            : nn.functional.pad(images, [0, right, 0, bottom]);
    }

    private static int RoundUp(int value, int divisor) => (value + divisor - 1) / divisor * divisor;
}
