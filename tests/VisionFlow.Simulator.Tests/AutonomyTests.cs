using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Tests;

public sealed class AutonomyTests
{
    [Test]
    public async Task Coordinator_delegates_subtasks_to_idle_agents_when_autonomous()
    {
        var sim = new Sim(options: new SimulatorOptions { AutonomousWork = true, DelegationMeanSeconds = 1 });
        var r = sim.Plain("multi-agent.initialize", """{"topology":"hierarchical","agents":8,"task":"Build a REST API"}""");
        var maxBusy = 0;
        for (var i = 0; i < 50; i++)
        {
            var busy = Sim.Lines(sim.Tick(0.1, TelemetryEvents.AgentStatus))
                .Count(l => Sim.Str(l.GetProperty("data"), "status") == "busy");
            maxBusy = Math.Max(maxBusy, busy);
        }

        await Assert.That(maxBusy).IsGreaterThan(3);
        var subtasks = sim.Tool("task_list", """{"type":"subtask"}""");
        await Assert.That(subtasks.GetProperty("total").GetInt32()).IsGreaterThan(3);
        await Assert.That(Sim.Str(subtasks.GetProperty("tasks")[0], "description")).IsEqualTo("Build a REST API");
        var status = sim.Plain("multi-agent.status", $$"""{"multi-agent_id":"{{Sim.Str(r, "multi_agent_id")}}"}""");
        await Assert.That(status.GetProperty("tasks").GetProperty("in_progress").GetInt32()).IsGreaterThan(1);
    }

    [Test]
    public async Task Without_autonomy_idle_agents_stay_without_tasks()
    {
        var sim = new Sim();
        sim.Plain("multi-agent.initialize", """{"topology":"hierarchical","agents":8,"task":"Build a REST API"}""");
        for (var i = 0; i < 50; i++)
        {
            sim.Tick(0.1);
        }

        await Assert.That(sim.Tool("task_list").GetProperty("total").GetInt32()).IsEqualTo(1);
    }

    [Test]
    public async Task Oldest_finished_tasks_are_forgotten_beyond_the_limit()
    {
        var sim = new Sim(options: new SimulatorOptions { MaxFinishedTasks = 2 });
        var ids = Enumerable.Range(0, 3)
            .Select(i => Sim.Str(sim.Tool("task_create", $$"""{"type":"feature","description":"t{{i}}"}"""), "taskId"))
            .ToList();
        var open = Sim.Str(sim.Tool("task_create", """{"type":"feature","description":"open"}"""), "taskId");
        foreach (var id in ids)
        {
            sim.Tool("task_cancel", $$"""{"taskId":"{{id}}"}""");
        }

        await Assert.That(sim.PlainError("task.status", $$"""{"task_id":"{{ids[0]}}"}""").Kind).IsEqualTo(SimulatorErrorKind.UnknownTask);
        await Assert.That(Sim.Str(sim.Plain("task.status", $$"""{"task_id":"{{ids[1]}}"}"""), "status")).IsEqualTo("cancelled");
        await Assert.That(Sim.Str(sim.Plain("task.status", $$"""{"task_id":"{{open}}"}"""), "status")).IsEqualTo("pending");
        await Assert.That(sim.Tool("task_list").GetProperty("total").GetInt32()).IsEqualTo(3);
    }
}
