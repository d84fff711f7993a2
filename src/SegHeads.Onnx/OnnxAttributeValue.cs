using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace SegHeads.Onnx;

/// <summary>A named attribute of an ONNX node: an integer, integers, a float or a string.</summary>
public readonly struct OnnxAttributeValue : IEquatable<OnnxAttributeValue>
{
    private readonly AttributeProto proto;

    private OnnxAttributeValue(AttributeProto proto) => this.proto = proto;

    /// <summary>The attribute's name.</summary>
    public string Name => proto?.Name ?? string.Empty;

    /// <summary>An integer attribute, e.g. <c>axis</c>.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    public static OnnxAttributeValue Create(string name, long value) =>
        new(new AttributeProto { Name = RequireName(name), Type = AttributeProto.Types.AttributeType.Int, I = value });

    /// <summary>An integer-list attribute, e.g. <c>pads</c>.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="values">Values.</param>
    public static OnnxAttributeValue Create(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var attribute = new AttributeProto { Name = RequireName(name), Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return new(attribute);
    }

    /// <summary>A float attribute, e.g. <c>epsilon</c>.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    public static OnnxAttributeValue Create(string name, float value) =>
        new(new AttributeProto { Name = RequireName(name), Type = AttributeProto.Types.AttributeType.Float, F = value });

    /// <summary>A string attribute, e.g. <c>mode</c>.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="value">Value.</param>
    public static OnnxAttributeValue Create(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(new AttributeProto { Name = RequireName(name), Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });
    }

    /// <inheritdoc />
    public bool Equals(OnnxAttributeValue other) => Equals(proto, other.proto);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OnnxAttributeValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => proto?.GetHashCode() ?? 0;

    /// <summary>The attribute as <c>name=value</c>.</summary>
    public override string ToString() => proto is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"{proto}");

    /// <summary>Value equality.</summary>
    /// <param name="left">First attribute.</param>
    /// <param name="right">Second attribute.</param>
    public static bool operator ==(OnnxAttributeValue left, OnnxAttributeValue right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    /// <param name="left">First attribute.</param>
    /// <param name="right">Second attribute.</param>
    public static bool operator !=(OnnxAttributeValue left, OnnxAttributeValue right) => !left.Equals(right);

    internal AttributeProto ToProto() =>
        proto?.Clone() ?? throw new InvalidOperationException("A default OnnxAttributeValue has no name or value; create one with Create.");

    private static string RequireName(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new ArgumentException($"An attribute needs a non-empty name, but got '{name}'.", nameof(name)) : name;
}
