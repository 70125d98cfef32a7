// Dispatch `one_of`: each message sent on a port goes to one member of a group of competing targets (upstream's
// default for a connection with several targets). Turns rotate so that the group shares the load; a member whose
// channel is full is passed over while another has room.
import type { Channel } from './channel.js';
import type { PData } from './pdata.js';

export class OneOfChannels {
  private turn = 0;

  constructor(private readonly channels: readonly Channel<PData>[]) {}

  /** The first member with room, starting at the one whose turn it is; that one when none has room (the send waits). */
  pick(): Channel<PData> {
    const count = this.channels.length;
    for (let offset = 0; offset < count; offset++) {
      const index = (this.turn + offset) % count;
      const channel = this.channels[index] as Channel<PData>;
      if (channel.hasRoom) {
        this.turn = (index + 1) % count;
        return channel;
      }
    }
    const channel = this.channels[this.turn] as Channel<PData>;
    this.turn = (this.turn + 1) % count;
    return channel;
  }
}
