using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;

namespace SegHeads.Tests.Training;

[Collection(NonParallelGroup.Name)]
public sealed class CheckpointSaveTests : IDisposable
{
    private readonly string folder = TrainerFixture.NewFolder();
    private readonly InMemoryDataset data = TrainerFixture.Data();

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Save_StaleTemporaryFileFromAKilledSave_IsReplacedAndRemoved()
    {
        string path = Path.Combine(folder, "run.ckpt");
        File.WriteAllBytes(Checkpoint.TemporaryPath(path), new byte[4096]);
        string foreign = Path.Combine(folder, "run.ckpt.1234.tmp");
        File.WriteAllText(foreign, "not ours");
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model);

        trainer.SaveCheckpoint(path);

        File.Exists(Checkpoint.TemporaryPath(path)).Should().BeFalse();
        File.Exists(foreign).Should().BeTrue("only files of SegHeads' own temporary naming are touched");
        Checkpoint.ReadInfo(path).Step.Should().Be(0);
    }

    [Fact]
    public void TemporaryPath_IsFixedBesideTheCheckpoint()
    {
        string path = Path.Combine(folder, "run.ckpt");

        Checkpoint.TemporaryPath(path).Should().Be(path + ".segheads-tmp").And.Be(Checkpoint.TemporaryPath(path));
    }

    [Fact]
    public void Fit_CheckpointPathUnderAFile_FailsBeforeTheFirstStep()
    {
        string file = Path.Combine(folder, "plain.txt");
        File.WriteAllText(file, "x");
        string path = Path.Combine(file, "run.ckpt");

        AssertFailsBeforeTraining(path, $"*checkpoint path {path}*{file} is a file*");
    }

    [Fact]
    public void Fit_CheckpointPathIsAFolder_FailsBeforeTheFirstStep()
    {
        string path = Directory.CreateDirectory(Path.Combine(folder, "dir.ckpt")).FullName;

        AssertFailsBeforeTraining(path, $"*checkpoint path {path} is a folder*");
    }

    [Fact]
    public void Fit_CheckpointFolderNotWritable_FailsBeforeTheFirstStep()
    {
        // NOTE: tests may run as root, where a read-only folder is still writable; a folder in the
        // way of the temporary file fails the same write for every user.
        string path = Path.Combine(folder, "blocked.ckpt");
        Directory.CreateDirectory(Checkpoint.TemporaryPath(path));

        AssertFailsBeforeTraining(path, $"*checkpoint path {path} is not writable*");
    }

    [Fact]
    public void Fit_SaveFailsMidRun_ThrowsWithTheHistoryAndKeepsTheLastGoodCheckpoint()
    {
        string path = Path.Combine(folder, "mid.ckpt");
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 6, BatchSize = 4, EvaluateEvery = 2, CheckpointPath = path, CheckpointEvery = 2 });
        var breakAfterFirstSave = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (p.Step == 2)
            {
                Directory.CreateDirectory(Checkpoint.TemporaryPath(path));
            }
        });

        Action fit = () => trainer.Fit(data, progress: breakAfterFirstSave);

        CheckpointException e = fit.Should().Throw<CheckpointException>().WithMessage($"*Could not write checkpoint {path}*").Which;
        e.History.Should().NotBeNull();
        e.History!.Steps.Select(s => s.Step).Should().Equal(1, 2, 3, 4);
        e.History.Evaluations.Should().HaveCount(2);
        Checkpoint.ReadInfo(path).Step.Should().Be(2);
    }

    private void AssertFailsBeforeTraining(string path, string message)
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 2, BatchSize = 4, CheckpointPath = path });

        Action fit = () => trainer.Fit(data);

        fit.Should().Throw<CheckpointException>().WithMessage(message);
        trainer.Step.Should().Be(0);
    }
}
