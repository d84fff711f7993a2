// Shared by two compilations: the SegHeads library (SEGHEADS_LIBRARY defined, the ELF reader is
// internal and used to explain load failures) and MSBuild's RoslynCodeTaskFactory (the inline task
// that patches the build output). Keep it dependency-free and self-contained.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SegHeads.Native
{
    /// <summary>One entry of an ELF file's <c>.gnu.version_r</c> section: a version it needs from a library.</summary>
#if SEGHEADS_LIBRARY
    internal
#else
    public
#endif
    sealed class ElfVersionNeed
    {
        /// <summary>Creates an entry.</summary>
        public ElfVersionNeed(string library, string version, ushort flags, long flagsOffset)
        {
            Library = library;
            Version = version;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The needed library's soname, e.g. <c>libstdc++.so.6</c>.</summary>
        public string Library { get; }

        /// <summary>The version name, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        public string Version { get; }

        /// <summary>The entry's <c>vna_flags</c>; bit 0x2 is <c>VER_FLG_WEAK</c>.</summary>
        public ushort Flags { get; }

        /// <summary>The file offset of <c>vna_flags</c>.</summary>
        public long FlagsOffset { get; }

        /// <summary>Whether the loader tolerates this version being absent.</summary>
        public bool IsWeak => (Flags & ElfVersions.VerFlagWeak) != 0;
    }

    /// <summary>The outcome of <see cref="ElfVersions.MarkWeak"/>.</summary>
#if SEGHEADS_LIBRARY
    internal
#else
    public
#endif
    enum MarkWeakResult
    {
        /// <summary>The file does not need that version: nothing to do.</summary>
        NotNeeded,

        /// <summary>The need was already weak: the file was left untouched.</summary>
        AlreadyWeak,

        /// <summary>The need was marked weak.</summary>
        Patched,
    }

    /// <summary>
    /// Reads and edits the symbol-versioning sections of 64-bit little-endian ELF files
    /// (linux-x64 shared libraries), by section headers.
    /// </summary>
#if SEGHEADS_LIBRARY
    internal
#else
    public
#endif
    static class ElfVersions
    {
        /// <summary><c>VER_FLG_WEAK</c>: a missing version is not an error.</summary>
        public const ushort VerFlagWeak = 0x2;

        private const uint ShtGnuVerdef = 0x6ffffffd;

        private static readonly string[] StandardLibraryFolders =
        {
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
            "/usr/local/lib64", "/usr/local/lib", "/lib", "/usr/lib",
        };
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Lists every version need of an ELF file.</summary>
        /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF or its version sections are malformed.</exception>
        public static IReadOnlyList<ElfVersionNeed> ReadNeeds(string path)
        {
            byte[] elf = File.ReadAllBytes(path);
            return ReadNeeds(elf, path);
        }

        /// <summary>Lists the version names an ELF file defines (e.g. every <c>GLIBCXX_*</c> of a libstdc++).</summary>
        /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF or its version sections are malformed.</exception>
        public static IReadOnlyList<string> ReadDefinitions(string path)
        {
            byte[] elf = File.ReadAllBytes(path);
            var result = new List<string>();
            foreach (Section s in ReadSections(elf, path))
            {
                if (s.Type != ShtGnuVerdef)
                {
                    continue;
                }

                Section strings = SectionAt(elf, path, s.Link);
                long entry = s.Offset;
                for (uint i = 0; i < s.Info; i++)
                {
                    Require(elf, path, entry, 20, "Elf64_Verdef");
                    ushort auxCount = U16(elf, entry + 6);
                    uint aux = U32(elf, entry + 12);
                    uint next = U32(elf, entry + 16);
                    if (auxCount > 0)
                    {
                        Require(elf, path, entry + aux, 8, "Elf64_Verdaux");
                        result.Add(ReadString(elf, path, strings, U32(elf, entry + aux)));
                    }

                    if (next == 0)
                    {
                        break;
                    }

                    entry += next;
                }
            }

            return result;
        }

        /// <summary>
        /// Sets <c>VER_FLG_WEAK</c> on the need for <paramref name="version"/>, in place. The file's
        /// last-write time is kept, so an incremental copy step does not mistake it for a new file.
        /// </summary>
        /// <exception cref="InvalidDataException">The file is not a 64-bit little-endian ELF or its version sections are malformed.</exception>
        public static MarkWeakResult MarkWeak(string path, string version)
        {
            byte[] elf = File.ReadAllBytes(path);
            var targets = new List<ElfVersionNeed>();
            foreach (ElfVersionNeed need in ReadNeeds(elf, path))
            {
                if (need.Version == version)
                {
                    targets.Add(need);
                }
            }

            if (targets.Count == 0)
            {
                return MarkWeakResult.NotNeeded;
            }

            if (targets.TrueForAll(n => n.IsWeak))
            {
                return MarkWeakResult.AlreadyWeak;
            }

            DateTime written = File.GetLastWriteTimeUtc(path);
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None))
            {
                foreach (ElfVersionNeed need in targets)
                {
                    ushort flags = (ushort)(need.Flags | VerFlagWeak);
                    stream.Position = need.FlagsOffset;
                    stream.WriteByte((byte)(flags & 0xff));
                    stream.WriteByte((byte)(flags >> 8));
                }
            }

            File.SetLastWriteTimeUtc(path, written);
            return MarkWeakResult.Patched;
        }

        /// <summary>
        /// Finds the libstdc++ the dynamic loader would pick on this host: <c>LD_LIBRARY_PATH</c>
        /// first, then the usual multiarch and lib64 folders. Returns <see langword="null"/> when none is found.
        /// </summary>
        public static string? FindHostLibStdCxx()
        {
            var folders = new List<string>();
            string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath))
            {
                folders.AddRange(ldPath!.Split(':'));
            }

            folders.AddRange(StandardLibraryFolders);
            foreach (string folder in folders)
            {
                if (folder.Length == 0)
                {
                    continue;
                }

                string candidate = Path.Combine(folder, "libstdc++.so.6");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }

        internal static IReadOnlyList<ElfVersionNeed> ReadNeeds(byte[] elf, string path)
        {
            var result = new List<ElfVersionNeed>();
            foreach (Section s in ReadSections(elf, path))
            {
                if (s.Type != ShtGnuVerneed)
                {
                    continue;
                }

                Section strings = SectionAt(elf, path, s.Link);
                long entry = s.Offset;
                for (uint i = 0; i < s.Info; i++)
                {
                    Require(elf, path, entry, 16, "Elf64_Verneed");
                    ushort count = U16(elf, entry + 2);
                    string library = ReadString(elf, path, strings, U32(elf, entry + 4));
                    long aux = entry + U32(elf, entry + 8);
                    for (int j = 0; j < count; j++)
                    {
                        Require(elf, path, aux, 16, "Elf64_Vernaux");
                        ushort flags = U16(elf, aux + 4);
                        string name = ReadString(elf, path, strings, U32(elf, aux + 8));
                        result.Add(new ElfVersionNeed(library, name, flags, aux + 4));
                        uint nextAux = U32(elf, aux + 12);
                        if (nextAux == 0)
                        {
                            break;
                        }

                        aux += nextAux;
                    }

                    uint next = U32(elf, entry + 12);
                    if (next == 0)
                    {
                        break;
                    }

                    entry += next;
                }
            }

            return result;
        }

        private readonly struct Section
        {
            public Section(uint type, long offset, long size, uint link, uint info)
            {
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
                Info = info;
            }

            public uint Type { get; }

            public long Offset { get; }

            public long Size { get; }

            public uint Link { get; }

            public uint Info { get; }
        }

        private static List<Section> ReadSections(byte[] elf, string path)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw new InvalidDataException($"{path}: not an ELF file (no \\x7fELF magic).");
            }

            if (elf[4] != 2 || elf[5] != 1)
            {
                throw new InvalidDataException(
                    $"{path}: expected a 64-bit little-endian ELF (class 2, data 1), found class {elf[4]}, data {elf[5]}.");
            }

            long shoff = (long)U64(elf, 0x28);
            ushort shentsize = U16(elf, 0x3a);
            ushort shnum = U16(elf, 0x3c);
            if (shoff == 0 || shnum == 0)
            {
                throw new InvalidDataException($"{path}: the ELF file has no section headers.");
            }

            if (shentsize < 64)
            {
                throw new InvalidDataException($"{path}: section header size {shentsize}, expected at least 64.");
            }

            var sections = new List<Section>(shnum);
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + ((long)i * shentsize);
                Require(elf, path, h, 64, "section header");
                var s = new Section(U32(elf, h + 4), (long)U64(elf, h + 24), (long)U64(elf, h + 32), U32(elf, h + 40), U32(elf, h + 44));
                sections.Add(s);
            }

            return sections;
        }

        private static Section SectionAt(byte[] elf, string path, uint index)
        {
            List<Section> sections = ReadSections(elf, path);
            if (index >= sections.Count)
            {
                throw new InvalidDataException($"{path}: section link {index} is out of range (the file has {sections.Count} sections).");
            }

            Section s = sections[(int)index];
            Require(elf, path, s.Offset, s.Size, "string table");
            return s;
        }

        private static string ReadString(byte[] elf, string path, Section strings, uint offset)
        {
            if (offset >= strings.Size)
            {
                throw new InvalidDataException($"{path}: string offset {offset} lies outside its string table of {strings.Size} bytes.");
            }

            long start = strings.Offset + offset;
            long end = start;
            long limit = strings.Offset + strings.Size;
            while (end < limit && elf[end] != 0)
            {
                end++;
            }

            return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
        }

        private static void Require(byte[] elf, string path, long offset, long length, string what)
        {
            if (offset < 0 || length < 0 || offset + length > elf.Length)
            {
                throw new InvalidDataException(
                    $"{path}: {what} at offset {offset} (+{length} bytes) lies outside the file of {elf.Length} bytes.");
            }
        }

        private static ushort U16(byte[] b, long o) => (ushort)(b[o] | (b[o + 1] << 8));

        private static uint U32(byte[] b, long o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));

        private static ulong U64(byte[] b, long o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);
    }

#if !SEGHEADS_LIBRARY
    /// <summary>
    /// MSBuild task: in each given native library, marks the listed version needs weak when the
    /// host's libstdc++ does not define them. Idempotent; logs one line per file.
    /// </summary>
    public sealed class SegHeadsWeakenVersionNeeds : Microsoft.Build.Utilities.Task
    {
        /// <summary>The native libraries to patch (those that do not exist are skipped).</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Semicolon-separated version names, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        [Microsoft.Build.Framework.Required]
        public string Versions { get; set; } = string.Empty;

        /// <inheritdoc />
        public override bool Execute()
        {
            string? host = ElfVersions.FindHostLibStdCxx();
            if (host == null)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                    "SegHeads: no host libstdc++.so.6 found; native libraries left as shipped.");
                return true;
            }

            HashSet<string> defined;
            try
            {
                defined = new HashSet<string>(ElfVersions.ReadDefinitions(host), StringComparer.Ordinal);
            }
            catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogWarning(null, "SEGH001", null, host, 0, 0, 0, 0,
                    "SegHeads: could not read the version definitions of the host's libstdc++ ({0}): {1} Native libraries left as shipped.", host, e.Message);
                return true;
            }

            var missing = new List<string>();
            foreach (string v in Versions.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!defined.Contains(v.Trim()))
                {
                    missing.Add(v.Trim());
                }
            }

            if (missing.Count == 0)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                    "SegHeads: the host's libstdc++ ({0}) defines {1}; native libraries left as shipped.", host, Versions);
                return true;
            }

            foreach (Microsoft.Build.Framework.ITaskItem item in Files)
            {
                string file = item.ItemSpec;
                if (!File.Exists(file))
                {
                    continue;
                }

                try
                {
                    var done = new List<string>();
                    var already = new List<string>();
                    foreach (string v in missing)
                    {
                        MarkWeakResult r = ElfVersions.MarkWeak(file, v);
                        if (r == MarkWeakResult.Patched)
                        {
                            done.Add(v);
                        }
                        else if (r == MarkWeakResult.AlreadyWeak)
                        {
                            already.Add(v);
                        }
                    }

                    if (done.Count > 0)
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            "SegHeads: marked the {0} need of {1} weak (the host's {2} lacks it), so TorchSharp loads on this system.",
                            string.Join(", ", done), file, host);
                    }
                    else if (already.Count > 0)
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                            "SegHeads: the {0} need of {1} is already weak.", string.Join(", ", already), file);
                    }
                }
                catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogWarning(null, "SEGH001", null, file, 0, 0, 0, 0,
                        "SegHeads: could not mark the {0} need of {1} weak, so TorchSharp may fail to load on this host: {2}",
                        string.Join(", ", missing), file, e.Message);
                }
            }

            return true;
        }
    }
#endif
}
