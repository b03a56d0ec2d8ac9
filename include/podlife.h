/*
 * podlife.h - umbrella header of libpodlife: everything a host needs.
 * Backend implementors also include podlife/backend.h.
 */
#ifndef PODLIFE_H
#define PODLIFE_H

#include "podlife/common.h"
#include "podlife/pod.h"
#include "podlife/image.h"
#include "podlife/clock.h"
#include "podlife/backend.h"
#include "podlife/probe.h"
#include "podlife/engine.h"
#include "podlife/fake.h"

#endif
