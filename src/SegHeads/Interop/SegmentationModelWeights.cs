using System.Globalization;
using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Heads;
using SegHeads.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Interop;

/// <summary>
/// <c>model.SaveWeights(path)</c> and <c>model.LoadWeights(path)</c>: a <see cref="SegmentationModel"/>'s
/// weights as safetensors with PyTorch's state-dict keys (see <see cref="ModelWeights"/>), plus
/// metadata that lets <c>interop/pytorch/segheads.py</c> rebuild the same architecture.
/// </summary>
public static class SegmentationModelWeights
{
    /// <summary>Metadata key: the head spec's canonical string, e.g. <c>stacked-linear:3-3-1@64+bn</c>.</summary>
    public const string HeadKey = "segheads.head";

    /// <summary>Metadata key: the number of classes K.</summary>
    public const string NumClassesKey = "segheads.num_classes";

    /// <summary>Metadata key: the size policy, <c>strict</c> or <c>pad-and-crop</c>.</summary>
    public const string SizePolicyKey = "segheads.size_policy";

    /// <summary>Metadata key: the backbone, <c>encoder-decoder</c> for <see cref="EncoderDecoder"/> (other backbones are not described).</summary>
    public const string BackboneKey = "segheads.backbone";

    /// <summary>Metadata key prefix of the <see cref="EncoderDecoderOptions"/>: <c>.in_channels</c>, <c>.base_width</c>, <c>.depth</c>, <c>.norm</c> (<c>none</c>, <c>batch</c>, <c>group</c>).</summary>
    public const string BackboneOptionPrefix = "segheads.backbone.";

    /// <summary>
    /// Saves every parameter and buffer atomically as safetensors under PyTorch's state-dict keys
    /// (<c>backbone.*</c>, <c>head.*</c>), with the architecture in the metadata (<see cref="Describe"/>).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="path">Target file, e.g. <c>model.safetensors</c>; its folder is created if needed.</param>
    public static void SaveWeights(this SegmentationModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelWeights.Save(model, path, Describe(model));
    }

    /// <summary>
    /// Loads weights saved by <see cref="SaveWeights"/> or by PyTorch (<c>segheads.py</c>'s
    /// <c>save_weights</c>) strictly: the same keys, shapes and dtypes, or an exception and no change.
    /// </summary>
    /// <param name="model">A model of the saved architecture.</param>
    /// <param name="path">The safetensors file.</param>
    /// <returns>The file's metadata.</returns>
    /// <exception cref="WeightsMismatchException">The file is of another architecture or dtype; the message lists the keys and shapes.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyDictionary<string, string> LoadWeights(this SegmentationModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ModelWeights.Load(model, path);
    }

    /// <summary>
    /// Builds the model a weights file describes in its metadata (written by <see cref="SaveWeights"/>
    /// or by <c>segheads.py</c>'s <c>save_weights(model, path, model.metadata())</c>), in the file's
    /// floating dtype, and loads the weights strictly.
    /// </summary>
    /// <param name="path">The safetensors file.</param>
    /// <returns>The model in training mode (call <c>eval()</c> for inference); the caller disposes it.</returns>
    /// <exception cref="InvalidDataException">The metadata lacks a <c>segheads.*</c> key or holds an invalid value; the message names it.</exception>
    /// <exception cref="WeightsMismatchException">The tensors do not fit the described model.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static SegmentationModel LoadModel(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using SafetensorsFile file = Safetensors.Read(path);
        string full = Path.GetFullPath(path);
        IReadOnlyDictionary<string, string> m = file.Metadata;
        string backbone = Required(m, BackboneKey, full);
        if (backbone != "encoder-decoder")
        {
            throw new InvalidDataException($"{full}: metadata {BackboneKey} is '{backbone}', but only 'encoder-decoder' can be rebuilt.");
        }

        var options = new EncoderDecoderOptions
        {
            InChannels = RequiredInt(m, BackboneOptionPrefix + "in_channels", full),
            BaseWidth = RequiredInt(m, BackboneOptionPrefix + "base_width", full),
            Depth = RequiredInt(m, BackboneOptionPrefix + "depth", full),
            Norm = Required(m, BackboneOptionPrefix + "norm", full) switch
            {
                "batch" => NormKind.Batch,
                "group" => NormKind.Group,
                "none" => NormKind.None,
                string other => throw new InvalidDataException($"{full}: metadata {BackboneOptionPrefix}norm is '{other}'; expected batch, group or none."),
            },
        };
        SizePolicy policy = (m.TryGetValue(SizePolicyKey, out string? p) ? p : "strict") switch
        {
            "strict" => SizePolicy.Strict,
            "pad-and-crop" => SizePolicy.PadAndCrop,
            string other => throw new InvalidDataException($"{full}: metadata {SizePolicyKey} is '{other}'; expected strict or pad-and-crop."),
        };
        string spec = Required(m, HeadKey, full);
        int classes = RequiredInt(m, NumClassesKey, full);
        SegmentationModel model;
        try
        {
            model = SegmentationModel.Create(spec, classes, options.Validate(), policy);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{full}: the metadata describes no valid model ({e.Message})", e);
        }

        try
        {
            ScalarType? floating = file.Tensors.Values.Select(t => t.dtype).Where(is_floating_point).Cast<ScalarType?>().FirstOrDefault();
            if (floating is ScalarType dtype && dtype != ScalarType.Float32)
            {
                model.to(dtype);
            }

            ModelWeights.LoadFrom(model, file, full);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The metadata <see cref="SaveWeights"/> writes: head spec, classes, size policy and, for an
    /// <see cref="EncoderDecoder"/>, its options. For a model from <see cref="SegmentationModel.ToDeployed"/>
    /// it describes the norm-free architecture its fused blocks are (no <c>+bn</c>, backbone norm <c>none</c>).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <returns>String pairs under the <c>segheads.*</c> keys of this class.</returns>
    public static IReadOnlyDictionary<string, string> Describe(SegmentationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            [HeadKey] = DescribedSpec(model.Head).ToString(),
            [NumClassesKey] = model.NumClasses.ToString(CultureInfo.InvariantCulture),
            [SizePolicyKey] = model.SizePolicy == SizePolicy.PadAndCrop ? "pad-and-crop" : "strict",
        };
        if (model.Backbone is EncoderDecoder encoderDecoder)
        {
            EncoderDecoderOptions o = encoderDecoder.Options;
            metadata[BackboneKey] = "encoder-decoder";
            metadata[BackboneOptionPrefix + "in_channels"] = o.InChannels.ToString(CultureInfo.InvariantCulture);
            metadata[BackboneOptionPrefix + "base_width"] = o.BaseWidth.ToString(CultureInfo.InvariantCulture);
            metadata[BackboneOptionPrefix + "depth"] = o.Depth.ToString(CultureInfo.InvariantCulture);
            // NOTE: a deployed backbone (ToDeployed) has its batch norms folded into conv biases,
            // which is exactly the norm-free architecture: describe what the module holds.
            NormKind norm = o.Norm == NormKind.Batch && Fusion.BatchNormPaths(encoderDecoder).Count == 0 ? NormKind.None : o.Norm;
            metadata[BackboneOptionPrefix + "norm"] = norm switch
            {
                NormKind.Batch => "batch",
                NormKind.Group => "group",
                _ => "none",
            };
        }

        return metadata;
    }

    /// <summary>The head's spec, without <c>+bn</c> when its batch norms were fused (a deployed head is then the norm-free kind).</summary>
    private static HeadSpec DescribedSpec(SegmentationHead head)
    {
        HeadSpec spec = head.Spec;
        return spec.Norm == NormKind.Batch && Fusion.BatchNormPaths(head).Count == 0
            ? HeadSpec.Create(spec.Kind, spec.Layers, spec.Width, spec.Options.Where(o => o.Name != HeadOption.BatchNorm.Name))
            : spec;
    }

    private static string Required(IReadOnlyDictionary<string, string> metadata, string key, string path) =>
        metadata.TryGetValue(key, out string? value)
            ? value
            : throw new InvalidDataException($"{path}: metadata has no '{key}', so the model cannot be rebuilt; it has: {string.Join(", ", metadata.Keys)}.");

    private static int RequiredInt(IReadOnlyDictionary<string, string> metadata, string key, string path)
    {
        string value = Required(metadata, key, path);
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new InvalidDataException($"{path}: metadata '{key}' is '{value}'; expected a non-negative integer.");
    }
}
