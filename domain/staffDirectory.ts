// The staff directory's window, shared by its reader (api/useCases/unitPeople.ts) and the configuration of how long it keeps people (config/).

/** A person counts as a unit's staff while their last sign-in is this recent: someone who left stops being offered. */
export const staffSeenWithinDays = 180;
