using System;

namespace NanoBackprop.Boards.Tests
{
    /// <summary>
    /// The board app's life over <see cref="OccupancySlice"/>, as a board would live it: boot with
    /// empty flash, learn the first rows (saving and reporting on schedule), a reset, boot from the
    /// saved model, learn the rest. Every status line goes to <paramref name="output"/>; the last
    /// lines are each flash slot's bytes in hex. nanoCLR and .NET run this same source.
    /// </summary>
    public static class BoardReplayScenario
    {
        /// <summary>The row at which the board is reset.</summary>
        public const int ResetRow = 230;

        /// <summary>Runs the scenario and returns the hardware (its flash slots hold the saved models).</summary>
        public static ScriptedHardware Run(ILineWriter output)
        {
            ScriptedHardware hardware = new ScriptedHardware(OccupancySlice.Readings, OccupancySlice.Labels, OccupancySlice.Features, 0, ResetRow);
            SensorNode node = NewNode(hardware, output);
            node.Boot();
            while (node.Step())
            {
            }

            output.WriteLine("reset at row " + ResetRow + " after " + node.Learner.Samples + " samples");
            hardware = Continue(hardware);
            node = NewNode(hardware, output);
            node.Boot();
            while (node.Step())
            {
            }

            output.WriteLine("end: samples " + node.Learner.Samples + " probability " + node.LastProbability + " saves " + hardware.Writes);
            for (int slot = 0; slot < 2; slot++)
            {
                output.WriteLine("slot " + slot + " " + Hex(hardware.Slot(slot)));
            }

            return hardware;
        }

        private static SensorNode NewNode(ScriptedHardware hardware, ILineWriter output)
        {
            SensorNodeSettings settings = new SensorNodeSettings();
            settings.SaveInterval = 50;
            settings.ReportInterval = 40;
            return new SensorNode(hardware, hardware, hardware, hardware, output, hardware, settings);
        }

        // The flash survives the reset; the replay goes on from the next row.
        private static ScriptedHardware Continue(ScriptedHardware before)
        {
            ScriptedHardware after = new ScriptedHardware(OccupancySlice.Readings, OccupancySlice.Labels, OccupancySlice.Features, ResetRow, OccupancySlice.Labels.Length);
            for (int slot = 0; slot < 2; slot++)
            {
                byte[] saved = before.Slot(slot);
                after.Write(slot, saved, saved.Length);
            }

            return after;
        }

        private static string Hex(byte[] bytes)
        {
            const string digits = "0123456789abcdef";
            char[] text = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                text[2 * i] = digits[bytes[i] >> 4];
                text[2 * i + 1] = digits[bytes[i] & 15];
            }

            return new string(text);
        }
    }
}
